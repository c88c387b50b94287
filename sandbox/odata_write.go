package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Changing data: POST, PATCH, PUT and DELETE, each checked against the model
// (checkValues) and refused as ERP.net refuses a change (businessError).

// businessError is the 500 + OData error ERP.net returns for a refused change.
func businessError(w http.ResponseWriter, r *http.Request, code, msg string) {
	logInfo(r).note = "business_error=" + code
	odataError(w, http.StatusInternalServerError, code, msg, typeServerException)
}

// checkValues validates a change against the model: known attributes, not read-only,
// of the right type (an Amount is {"Value":12.5,"Currency":"EUR"}, a
// MultilanguageString {"en":"text"}), within their length and allowed values, and the
// required ones present on create (unless the model gives a default). It returns a
// business error code and message, or "".
func checkValues(set *entitySet, body map[string]any, creating bool) (code, msg string) {
	for k, v := range body {
		if strings.HasPrefix(k, "@odata.") {
			continue
		}
		navName, bind := strings.CutSuffix(k, "@odata.bind")
		if _, isNav := set.nav(navName); isNav {
			return "2031", fmt.Sprintf("The sandbox does not change the reference %s of entity '%s' through the Domain API%s.", navName, set.entity,
				map[bool]string{true: " (" + k + ")", false: ""}[bind])
		}
		p, ok := set.prop(k)
		if !ok {
			return "2029", fmt.Sprintf("Property '%s' does not exist on entity '%s'. Properties: %s.", k, set.entity, propNames(set))
		}
		if p.readOnly && !(creating && p.name == "Id") {
			return "2029", fmt.Sprintf("Property '%s' of entity '%s' is read-only.", k, set.entity)
		}
		if v == nil {
			if p.required {
				return "2030", fmt.Sprintf("%s is required on entity '%s'.", k, set.entity)
			}
			continue
		}
		if want := typeProblem(p, v); want != "" {
			return "2029", fmt.Sprintf("The value for '%s' must be %s.", k, want)
		}
		for _, text := range textsOf(v) {
			if p.required && strings.TrimSpace(text) == "" {
				return "2030", fmt.Sprintf("%s is required on entity '%s'.", k, set.entity)
			}
			if p.maxLen > 0 && len([]rune(text)) > p.maxLen {
				return "2030", fmt.Sprintf("%s is longer than %d characters on entity '%s'.", k, p.maxLen, set.entity)
			}
		}
		if s, ok := v.(string); ok && len(p.enum) > 0 && !contains(p.enum, s) {
			return "2030", fmt.Sprintf("'%s' is not an allowed value of %s: use %s.", s, k, strings.Join(p.enum, ", "))
		}
		if n, ok := v.(json.Number); ok && p.name == "GracePeriodDays" {
			if i, _ := n.Int64(); i < 0 {
				return "2030", "GracePeriodDays must not be negative."
			}
		}
	}
	if creating {
		for _, p := range set.props {
			if p.required && !p.readOnly && p.def == nil && body[p.name] == nil {
				return "2030", fmt.Sprintf("%s is required on entity '%s'.", p.name, set.entity)
			}
		}
	}
	return "", ""
}

// typeProblem says what a value of p must look like, or "" when v fits.
func typeProblem(p prop, v any) string {
	switch p.kind {
	case kString:
		if _, ok := v.(string); !ok {
			return "of type Edm.String"
		}
	case kDateTime:
		s, _ := v.(string)
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			return "of type Edm.DateTimeOffset, e.g. \"2025-03-14T09:30:00Z\""
		}
	case kDate:
		s, _ := v.(string)
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return "of type Edm.Date, e.g. \"2025-03-14\""
		}
	case kGUID:
		if s, _ := v.(string); !guidRE.MatchString(s) {
			return "of type Edm.Guid"
		}
	case kBool:
		if _, ok := v.(bool); !ok {
			return "of type Edm.Boolean"
		}
	case kInt:
		n, isNum := v.(json.Number)
		if _, err := n.Int64(); !isNum || err != nil {
			return "of type Edm.Int32"
		}
	case kNumber:
		if _, ok := v.(json.Number); !ok {
			return "of type Edm.Decimal"
		}
	case kAmount:
		m, ok := v.(map[string]any)
		_, num := m["Value"].(json.Number)
		cur, _ := m["Currency"].(string)
		if !ok || !num || len(m) != 2 || len(cur) != 3 || strings.ToUpper(cur) != cur {
			return `an Amount: {"Value": 12.5, "Currency": "EUR"}`
		}
	case kMLString:
		m, ok := v.(map[string]any)
		if !ok || len(m) == 0 {
			return `a MultilanguageString: {"en": "text"} (one entry per language)`
		}
		for lang, text := range m {
			if _, isText := text.(string); !isText || len(lang) < 2 || len(lang) > 3 {
				return `a MultilanguageString: {"en": "text"} (one entry per language)`
			}
		}
	}
	return ""
}

// textsOf lists the text a value holds: a string, or a MultilanguageString's translations.
func textsOf(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case map[string]any:
		var out []string
		if _, isAmount := x["Currency"]; isAmount {
			return nil
		}
		for _, t := range x {
			if s, ok := t.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func readBody(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.UseNumber()
	var body map[string]any
	if err := dec.Decode(&body); err != nil || body == nil {
		odataError(w, http.StatusBadRequest, "BadRequest", "The request body must be one JSON object, e.g. {\"DefaultPaymentTermDays\":30}", "")
		return nil, false
	}
	return body, true
}

// refused answers the business error a change to set gets, and reports whether it got
// one: the set is read-only, or body breaks the model (checkValues).
func refused(w http.ResponseWriter, r *http.Request, set *entitySet, body map[string]any, creating bool) bool {
	if set.readOnly {
		businessError(w, r, "2031", fmt.Sprintf("Entity '%s' is read-only.", set.entity))
		return true
	}
	if code, msg := checkValues(set, body, creating); code != "" {
		businessError(w, r, code, msg)
		return true
	}
	return false
}

// modify answers PATCH, PUT and DELETE on the entity key of set.
func (in *instance) modify(w http.ResponseWriter, r *http.Request, set *entitySet, key string) {
	var body map[string]any
	if r.Method != http.MethodDelete {
		var ok bool
		if body, ok = readBody(w, r); !ok {
			return
		}
	}
	if refused(w, r, set, body, false) {
		return
	}
	if set.name == "Systems_Security_TrustedApplications" {
		in.modifyApp(w, r, set, key, body)
		return
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	live := in.sets[set.name]
	for i, rw := range live.rows {
		if !strings.EqualFold(rw["Id"].(string), key) {
			continue
		}
		if r.Method == http.MethodDelete {
			live.rows = append(live.rows[:i:i], live.rows[i+1:]...)
		} else {
			for k, v := range body {
				if !strings.HasPrefix(k, "@odata.") {
					rw[k] = v
				}
			}
			if _, ok := set.prop("UpdateTime"); ok {
				rw["UpdateTime"] = in.now().UTC().Format(time.RFC3339)
			}
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	odataError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("No %s entity with Id %s", set.name, key), "")
}

func (in *instance) create(w http.ResponseWriter, r *http.Request, set *entitySet) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	if refused(w, r, set, body, true) {
		return
	}
	if set.name == "Systems_Security_TrustedApplications" {
		in.createApp(w, r, set, body)
		return
	}
	rw := row{}
	for _, p := range set.props {
		rw[p.name] = body[p.name]
		if rw[p.name] == nil && p.def != nil {
			rw[p.name] = p.def
		}
	}
	if rw["Id"] == nil {
		rw["Id"] = stableGUID(fmt.Sprintf("%s:%d", set.name, in.now().UnixNano()))
	}
	if _, ok := set.prop("CreationTime"); ok {
		rw["CreationTime"] = in.now().UTC().Format(time.RFC3339)
	}
	if _, ok := set.prop("DisplayText"); ok {
		rw["DisplayText"] = displayText(rw)
	}
	in.mu.Lock()
	live := in.sets[set.name]
	for _, o := range live.rows {
		if strings.EqualFold(o["Id"].(string), rw["Id"].(string)) {
			in.mu.Unlock()
			businessError(w, r, "2030", fmt.Sprintf("An entity '%s' with Id %s already exists.", set.entity, rw["Id"]))
			return
		}
	}
	live.rows = append(live.rows, rw)
	in.mu.Unlock()
	writeCreated(w, in.odataRoot(), set, rw)
}

// displayText is DisplayText for a new row: its Name in English, else its Number.
func displayText(rw row) any {
	if m, ok := rw["Name"].(map[string]any); ok {
		if en, ok := m["en"].(string); ok {
			return en
		}
	}
	return rw["Number"]
}

// writeCreated answers 201 with the new entity and its Location.
func writeCreated(w http.ResponseWriter, root string, set *entitySet, rw row) {
	var b bytes.Buffer
	b.WriteString(`{"@odata.context":`)
	writeJSONValue(&b, root+"$metadata#"+set.name+"/$entity")
	b.WriteByte(',')
	encodeRowFields(&b, set, rw, nil, nil)
	b.WriteByte('}')
	w.Header().Set("Location", fmt.Sprintf("%s%s(%s)", root, set.name, rw[set.keyName()]))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusCreated)
	w.Write(b.Bytes())
}
