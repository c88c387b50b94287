package sandbox

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

type propKind string

const (
	kGUID     propKind = "Edm.Guid"
	kString   propKind = "Edm.String"
	kBool     propKind = "Edm.Boolean"
	kInt      propKind = "Edm.Int32"
	kNumber   propKind = "Edm.Decimal"
	kDateTime propKind = "Edm.DateTimeOffset"
	kDate     propKind = "Edm.Date"
	// kAmount is the model's Amount: {"Value": 12.5, "Currency": "EUR"}.
	kAmount propKind = "Erp.Amount"
	// kMLString is the model's MultilanguageString: {"en": "Apple", "de": "Apfel"}.
	kMLString propKind = "Erp.MultilanguageString"
)

// filterCaps is what $filter may do with a property: the model's Supported Filters.
type filterCaps uint8

const (
	fEq    filterCaps = 1 << iota // Equals: eq, ne
	fRange                        // GreaterThanOrLessThan: gt, ge, lt, le
	fLike                         // Like: contains, startswith, endswith
	fIn                           // EqualsIn ("multi eq"): in (...)
	fAny   = fEq | fRange | fLike | fIn
)

// String names the capabilities as the model does.
func (c filterCaps) String() string {
	var out []string
	for _, x := range []struct {
		f    filterCaps
		name string
	}{{fEq, "Equals"}, {fRange, "GreaterThanOrLessThan"}, {fLike, "Like"}, {fIn, "EqualsIn"}} {
		if c&x.f != 0 {
			out = append(out, x.name)
		}
	}
	if len(out) == 0 {
		return "NotFilterable"
	}
	return strings.Join(out, ", ")
}

type prop struct {
	name     string
	kind     propKind
	readOnly bool
	required bool
	filters  filterCaps // the model's Supported Filters (enforced on model sets)
	maxLen   int        // string length limit; 0 = none
	calc     bool       // a calculated attribute (DisplayText): read-only, not stored
	def      any        // the model's Default(...) applied on create; nil = none
	enum     []string   // the allowed Domain API values of an enum attribute
	desc     string     // the model's description
}

type row map[string]any

type entitySet struct {
	name     string // e.g. Crm_Sales_Customers
	typeName string // e.g. Crm_Sales_Customer
	entity   string // ERP.net entity name, e.g. Crm.Sales.Customers
	table    string // the model's base table, e.g. Crm_Customers
	title    string // localized name, e.g. Customers
	desc     string // the model's description of the entity
	props    []prop
	rows     []row
	readOnly bool   // writes are a business error
	key      string // key property; "" means "Id"
	// model marks a Domain API set described by ErpNetDocs/model: $filter may use
	// only what each attribute's Supported Filters allow. The Table API's raw tables
	// are not described that way and allow every operator.
	model bool
	// navs are single-valued navigation properties: a row holds the target as a
	// row (or nil) under the nav's name, sent only when $expand asks for it.
	navs []nav
}

// nav is a navigation property to one entity of another set (e.g. a Trusted App's
// SystemUser), served inline only with $expand, as OData does.
type nav struct {
	name     string // e.g. SystemUser
	set      string // the target's entity set, e.g. Systems_Security_Users
	typeName string // e.g. Systems_Security_User
	props    []prop // the target's structural properties; the first is its key
}

func (s *entitySet) nav(name string) (nav, bool) {
	for _, n := range s.navs {
		if n.name == name {
			return n, true
		}
	}
	return nav{}, false
}

// expansion is one parsed $expand item: a navigation and its $select (nil: all).
type expansion struct {
	nav nav
	sel []string
}

// parseExpand reads "$expand=SystemUser" or "SystemUser($select=Login,Active)".
func parseExpand(set *entitySet, s string) ([]expansion, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []expansion
	for _, item := range splitTop(s) {
		item = strings.TrimSpace(item)
		name, opts := item, ""
		if i := strings.IndexByte(item, '('); i > 0 {
			if !strings.HasSuffix(item, ")") {
				return nil, fmt.Errorf("The $expand item '%s' has an unclosed '(': write Nav($select=a,b)", item)
			}
			name, opts = strings.TrimSpace(item[:i]), strings.TrimSpace(item[i+1:len(item)-1])
		}
		n, ok := set.nav(name)
		if !ok {
			var names []string
			for _, x := range set.navs {
				names = append(names, x.name)
			}
			return nil, fmt.Errorf("Could not find a navigation property named '%s' on type '%s' ($expand). Navigation properties: %s.", name, set.typeName, orNone(names))
		}
		e := expansion{nav: n}
		if opts != "" {
			k, v, _ := strings.Cut(opts, "=")
			if strings.TrimSpace(k) != "$select" {
				return nil, fmt.Errorf("The sandbox supports only $select inside $expand, not '%s'", strings.TrimSpace(k))
			}
			for _, f := range strings.Split(v, ",") {
				f = strings.TrimSpace(f)
				found := false
				for _, p := range n.props {
					found = found || p.name == f
				}
				if !found {
					return nil, fmt.Errorf("Could not find a property named '%s' on type '%s' ($expand=%s($select=...)).", f, n.typeName, n.name)
				}
				e.sel = append(e.sel, f)
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// splitTop splits s at commas outside parentheses.
func splitTop(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, c := range s {
		switch c {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// keyName is the key property (the @odata.id key), e.g. Id or Sales_Order_Id.
func (s *entitySet) keyName() string {
	if s.key == "" {
		return "Id"
	}
	return s.key
}

func (s *entitySet) prop(name string) (prop, bool) {
	for _, p := range s.props {
		if p.name == name {
			return p, true
		}
	}
	return prop{}, false
}

// setSnapshot returns the set with its rows copied (Trusted Apps built from the
// registry). The caller holds no lock.
func (in *instance) setSnapshot(name string) (*entitySet, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	s, ok := in.sets[name]
	if !ok {
		return nil, false
	}
	cp := *s
	cp.rows = nil
	if name == "Systems_Security_TrustedApplications" {
		for _, id := range in.appOrder {
			a := in.apps[id]
			cp.rows = append(cp.rows, appRow(in.appIDs[id], a))
		}
		return &cp, true
	}
	for _, r := range s.rows {
		c := row{}
		for k, v := range r {
			c[k] = v
		}
		cp.rows = append(cp.rows, c)
	}
	return &cp, true
}

func (in *instance) odataRoot() string { return in.root + "/api/domain/odata/" }

// handleOData serves the OData root, $metadata, collections and single entities.
// rest is the path after /api/domain/odata/.
func (in *instance) handleOData(w http.ResponseWriter, r *http.Request, rest string) {
	switch rest {
	case "":
		if r.Method != http.MethodGet {
			methodNotAllowed(w, "GET")
			return
		}
		var sets []map[string]string
		for _, n := range setNames {
			sets = append(sets, map[string]string{"name": n, "kind": "EntitySet", "url": n})
		}
		writeJSON(w, http.StatusOK, map[string]any{"@odata.context": in.odataRoot() + "$metadata", "value": sets})
		return
	case "$metadata":
		if r.Method != http.MethodGet {
			methodNotAllowed(w, "GET")
			return
		}
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		io.WriteString(w, metadataXML(setNames, in.sets))
		return
	}
	name, key, hasKey := rest, "", false
	if i := strings.IndexByte(rest, '('); i > 0 && strings.HasSuffix(rest, ")") {
		name, key, hasKey = rest[:i], rest[i+1:len(rest)-1], true
		key = strings.TrimSuffix(strings.TrimPrefix(key, "guid'"), "'")
	}
	set, ok := in.setSnapshot(name)
	if !ok || strings.Contains(name, "/") {
		odataError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("Resource not found for the segment '%s'. Entity sets: %s.", rest, strings.Join(setNames, ", ")), "")
		return
	}
	if hasKey && !guidRE.MatchString(key) {
		odataError(w, http.StatusBadRequest, "BadRequest", fmt.Sprintf("The key value '%s' is not a valid Edm.Guid: address an entity as %s(<guid>)", key, name), "")
		return
	}
	if !hasKey {
		switch r.Method {
		case http.MethodGet:
			in.getCollection(w, r, set, in.odataRoot())
		case http.MethodPost:
			in.create(w, r, set)
		default:
			methodNotAllowed(w, "GET, POST")
		}
		return
	}
	switch r.Method {
	case http.MethodGet:
		for _, rw := range set.rows {
			if strings.EqualFold(rw["Id"].(string), key) {
				sel, err := parseSelect(set, r.URL.Query().Get("$select"))
				var exp []expansion
				if err == nil {
					exp, err = parseExpand(set, r.URL.Query().Get("$expand"))
				}
				if err != nil {
					odataError(w, http.StatusBadRequest, "BadRequest", err.Error(), "")
					return
				}
				var b bytes.Buffer
				b.WriteString(`{"@odata.context":`)
				writeJSONValue(&b, in.odataRoot()+"$metadata#"+set.name+"/$entity")
				b.WriteByte(',')
				encodeRowFields(&b, set, rw, sel, exp)
				b.WriteByte('}')
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.Write(b.Bytes())
				return
			}
		}
		odataError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("No %s entity with Id %s", set.name, key), "")
	case http.MethodPatch, http.MethodPut, http.MethodDelete:
		in.modify(w, r, set, key)
	default:
		methodNotAllowed(w, "GET, PATCH, PUT, DELETE")
	}
}

func writeJSONValue(b *bytes.Buffer, v any) {
	var j bytes.Buffer
	enc := json.NewEncoder(&j)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	b.Write(bytes.TrimRight(j.Bytes(), "\n"))
}

// encodeRowFields writes "@odata.id":..., then the selected properties in model
// order, then the expanded navigation properties (null when there is no target).
func encodeRowFields(b *bytes.Buffer, set *entitySet, rw row, sel []string, exp []expansion) {
	b.WriteString(`"@odata.id":`)
	writeJSONValue(b, fmt.Sprintf("%s(%s)", set.name, rw[set.keyName()]))
	for _, p := range set.props {
		if sel != nil && !contains(sel, p.name) {
			continue
		}
		b.WriteByte(',')
		writeJSONValue(b, p.name)
		b.WriteByte(':')
		writeJSONValue(b, rw[p.name])
	}
	for _, e := range exp {
		b.WriteByte(',')
		writeJSONValue(b, e.nav.name)
		b.WriteByte(':')
		target, _ := rw[e.nav.name].(row)
		if target == nil {
			b.WriteString("null")
			continue
		}
		b.WriteString(`{"@odata.id":`)
		writeJSONValue(b, fmt.Sprintf("%s(%v)", e.nav.set, target[e.nav.props[0].name]))
		for _, p := range e.nav.props {
			if e.sel != nil && !contains(e.sel, p.name) {
				continue
			}
			b.WriteByte(',')
			writeJSONValue(b, p.name)
			b.WriteByte(':')
			writeJSONValue(b, target[p.name])
		}
		b.WriteByte('}')
	}
}

func parseSelect(set *entitySet, s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []string
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if _, ok := set.prop(f); !ok {
			return nil, fmt.Errorf("Could not find a property named '%s' on type '%s' ($select). Properties: %s.", f, set.typeName, propNames(set))
		}
		out = append(out, f)
	}
	return out, nil
}

func propNames(set *entitySet) string {
	var n []string
	for _, p := range set.props {
		n = append(n, p.name)
	}
	return strings.Join(n, ", ")
}

// skiptoken is opaque to clients: an offset with an HMAC, so a tampered or foreign
// token is refused with 400.
func (in *instance) skiptoken(offset int) string {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, uint64(offset))
	m := hmac.New(sha256.New, in.skipKey)
	m.Write(b)
	return base64.RawURLEncoding.EncodeToString(append(b, m.Sum(nil)[:8]...))
}

func (in *instance) parseSkiptoken(s string) (int, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) != 16 {
		return 0, false
	}
	m := hmac.New(sha256.New, in.skipKey)
	m.Write(raw[:8])
	if !hmac.Equal(m.Sum(nil)[:8], raw[8:]) {
		return 0, false
	}
	return int(binary.BigEndian.Uint64(raw[:8])), true
}

var supportedOptions = []string{"$top", "$skip", "$select", "$skiptoken", "$filter", "$expand"}

// getCollection answers GET on a collection of the OData service at root (the Domain
// API's or the Table API's, ending in "/"): $top, $skip, $select, $filter, and
// @odata.nextLink with an opaque $skiptoken.
func (in *instance) getCollection(w http.ResponseWriter, r *http.Request, set *entitySet, root string) {
	q := r.URL.Query()
	for k := range q {
		if strings.HasPrefix(k, "$") && !contains(supportedOptions, k) {
			odataError(w, http.StatusBadRequest, "BadRequest", fmt.Sprintf("The query option %s is not supported by the sandbox (supported: %s)", k, strings.Join(supportedOptions, ", ")), "")
			return
		}
	}
	bad := func(msg string) { odataError(w, http.StatusBadRequest, "BadRequest", msg, "") }
	nonNeg := func(name string) (int, bool, bool) {
		v := q.Get(name)
		if v == "" {
			return 0, false, true
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			bad(fmt.Sprintf("Invalid value '%s' for %s query option found. The %s query option requires a non-negative integer value.", v, name, name))
			return 0, false, false
		}
		return n, true, true
	}
	top, hasTop, ok := nonNeg("$top")
	if !ok {
		return
	}
	skip, _, ok := nonNeg("$skip")
	if !ok {
		return
	}
	if st := q.Get("$skiptoken"); st != "" {
		off, ok := in.parseSkiptoken(st)
		if !ok {
			bad("The $skiptoken is not valid: follow @odata.nextLink exactly as the server returned it")
			return
		}
		skip = off
	}
	sel, err := parseSelect(set, q.Get("$select"))
	if err != nil {
		bad(err.Error())
		return
	}
	match, err := parseFilter(set, q.Get("$filter"))
	if err != nil {
		bad(err.Error())
		return
	}
	exp, err := parseExpand(set, q.Get("$expand"))
	if err != nil {
		bad(err.Error())
		return
	}
	var rows []row
	for _, rw := range set.rows {
		if match(rw) {
			rows = append(rows, rw)
		}
	}
	if skip > len(rows) {
		skip = len(rows)
	}
	page := rows[skip:]
	more := false
	if hasTop && top < len(page) {
		page, more = page[:top], true
	}
	ctx := root + "$metadata#" + set.name
	if sel != nil {
		ctx += "(" + strings.Join(sel, ",") + ")"
	}
	var b bytes.Buffer
	b.WriteString(`{"@odata.context":`)
	writeJSONValue(&b, ctx)
	b.WriteString(`,"value":[`)
	for i, rw := range page {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('{')
		encodeRowFields(&b, set, rw, sel, exp)
		b.WriteByte('}')
	}
	b.WriteByte(']')
	if more {
		next := root + set.name + "?$top=" + strconv.Itoa(top)
		for _, k := range []string{"$select", "$filter", "$expand"} {
			if v := q.Get(k); v != "" {
				next += "&" + k + "=" + url.QueryEscape(v)
			}
		}
		next += "&$skiptoken=" + in.skiptoken(skip+top)
		b.WriteString(`,"@odata.nextLink":`)
		writeJSONValue(&b, next)
	}
	b.WriteByte('}')
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(b.Bytes())
}

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

func (in *instance) modify(w http.ResponseWriter, r *http.Request, set *entitySet, key string) {
	var body map[string]any
	if r.Method != http.MethodDelete {
		var ok bool
		if body, ok = readBody(w, r); !ok {
			return
		}
	}
	if set.readOnly {
		businessError(w, r, "2031", fmt.Sprintf("Entity '%s' is read-only.", set.entity))
		return
	}
	if code, msg := checkValues(set, body, false); code != "" {
		businessError(w, r, code, msg)
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
	if set.readOnly {
		businessError(w, r, "2031", fmt.Sprintf("Entity '%s' is read-only.", set.entity))
		return
	}
	if code, msg := checkValues(set, body, true); code != "" {
		businessError(w, r, code, msg)
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

// metadataXML is the CSDL of the named sets (props never change: no lock needed).
func metadataXML(names []string, sets map[string]*entitySet) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	b.WriteString(`<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">` + "\n")
	b.WriteString(`<edmx:DataServices><Schema Namespace="Erp" xmlns="http://docs.oasis-open.org/odata/ns/edm">` + "\n")
	uses := map[propKind]bool{}
	for _, n := range names {
		for _, p := range sets[n].props {
			uses[p.kind] = true
		}
		for _, nv := range sets[n].navs {
			for _, p := range nv.props {
				uses[p.kind] = true
			}
		}
	}
	if uses[kAmount] {
		b.WriteString(`<ComplexType Name="Amount"><Property Name="Value" Type="Edm.Decimal" Nullable="false"/><Property Name="Currency" Type="Edm.String"/></ComplexType>` + "\n")
	}
	if uses[kMLString] {
		b.WriteString(`<ComplexType Name="MultilanguageString" OpenType="true"/>` + "\n")
	}
	for _, n := range names {
		s := sets[n]
		fmt.Fprintf(&b, `<EntityType Name="%s"><Key><PropertyRef Name="%s"/></Key>`, s.typeName, s.keyName())
		for _, p := range s.props {
			fmt.Fprintf(&b, `<Property Name="%s" Type="%s" Nullable="%t"/>`, p.name, p.kind, !(p.required || p.name == s.keyName()))
		}
		for _, n := range s.navs {
			fmt.Fprintf(&b, `<NavigationProperty Name="%s" Type="Erp.%s"/>`, n.name, n.typeName)
		}
		b.WriteString("</EntityType>\n")
		for _, n := range s.navs {
			fmt.Fprintf(&b, `<EntityType Name="%s"><Key><PropertyRef Name="%s"/></Key>`, n.typeName, n.props[0].name)
			for _, p := range n.props {
				fmt.Fprintf(&b, `<Property Name="%s" Type="%s" Nullable="%t"/>`, p.name, p.kind, p.name != n.props[0].name)
			}
			b.WriteString("</EntityType>\n")
		}
	}
	b.WriteString(`<EntityContainer Name="Container">`)
	for _, n := range names {
		fmt.Fprintf(&b, `<EntitySet Name="%s" EntityType="Erp.%s"/>`, n, html.EscapeString(sets[n].typeName))
	}
	b.WriteString("</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>\n")
	return b.String()
}
