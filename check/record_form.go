package check

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"trustedapp-tester/internal/sentence"
)

// The Trusted App record as the administrator sees it on the record's form in ERP.net,
// copied into this tool: the way to run the record checklist when the API refuses to
// show the record. ERP.net's docs say the sec scope "grants access to security
// namespace APIs (roles, permissions, etc.)" and is "reserved for ERP.net internal
// use only" (dev:auth/concepts/scopes.md), and that the Domain API route to Trusted
// Apps will go away because of it (dev:domain-api/common-tasks/register-trusted-app.md):
// on such an instance no ordinary token reads Systems_Security_TrustedApplications.
//
// The text is "Field: value" lines (also "Field = value", "Field<TAB>value", a
// Markdown table row, or a label on one line and its value on the next, as a copy
// from a web form gives), or a JSON object (the record as the API would send it, or
// an OData list holding it). Field names are the model's (ApplicationUri), spaced
// ("Application Uri") or, on a form shown in Bulgarian, the words recordFormLabels
// matches; booleans may be true/false, yes/no, 1/0, on/off, a tick, or да/не.
// ERP.net's docs do not publish the form's labels in any language: what is matched is
// the model's attribute names, their spaced form, and Bulgarian words chosen to be
// tolerant (see formFieldOf), never a copy of a real form.

// MaxRecordForm is the most text ReadRecordForm reads.
const MaxRecordForm = 64 << 10

// maxFormNotes is how many notes on ignored lines are kept; the rest are counted.
const maxFormNotes = 10

// FormSource names the values' origin in a RecordResult read from the form.
const FormSource = "the values copied from the Trusted App's form"

// RecordForm is what was read from the form's values.
type RecordForm struct {
	// Given lists the checklist's fields the text gave a value for (ApplicationUri,
	// IsEnabled, ...); the others are "not in the form".
	Given map[string]bool
	// Notes say what was ignored or not understood, one sentence each.
	Notes []string
}

// formFields are the record's fields the form path reads, in checklist order.
var formFields = []string{"ApplicationUri", "IsEnabled", "ClientType", "ApplicationSecretHash", "SystemUserAllowed",
	"SystemUser", "Scope", "ReferenceTokens", "BasicAuthenticationAllowed", "Name"}

// FormFields lists the fields the form path reads, in checklist order (for help texts
// and the app's form).
func FormFields() []string { return slicesClone(formFields) }

func slicesClone(s []string) []string { return append([]string(nil), s...) }

// ReadRecordForm reads a Trusted App record from values copied off the record's form
// (see the file comment): the same RecordResult an API read gives, with Form set and
// no Step. Problem says why no record came out (nothing recognised, a secret pasted).
func ReadRecordForm(text string) RecordResult {
	res := RecordResult{}
	if len(text) > MaxRecordForm {
		res.Problem = fmt.Sprintf("The pasted text is longer than %d KiB: paste only the Trusted App's fields.", MaxRecordForm>>10)
		return res
	}
	rec, form, err := parseRecordForm(text)
	res.Form = &form
	if err != nil {
		res.Problem = err.Error()
		return res
	}
	res.Record = rec
	return res
}

// Mark turns the rows of fields the form did not give into rows to check by hand: the
// checklist judged them from a record without them.
func (f RecordForm) Mark(rows []RecordCheck) []RecordCheck {
	out := make([]RecordCheck, len(rows))
	for i, r := range rows {
		if !f.Given[r.Field] && isFormField(r.Field) {
			r.State, r.Actual = RecordUnknown, "not in the form"
			r.Note = "Copy " + r.Field + " from the Trusted App's form to check it."
		}
		out[i] = r
	}
	return out
}

func isFormField(name string) bool {
	for _, f := range formFields {
		if f == name {
			return true
		}
	}
	return false
}

// formError is a refusal of the whole text; it never repeats a value.
type formError string

func (e formError) Error() string { return string(e) }

// parseRecordForm reads the text into a record and what it gave.
func parseRecordForm(text string) (*TrustedAppRecord, RecordForm, error) {
	form := RecordForm{Given: map[string]bool{}}
	text = strings.TrimPrefix(strings.ReplaceAll(text, "\r\n", "\n"), "\ufeff")
	if strings.TrimSpace(text) == "" {
		return nil, form, formError("Nothing was pasted: copy the Trusted App's fields (ApplicationUri, IsEnabled, ClientType, ApplicationSecretHash, SystemUserAllowed, SystemUser, Scope) from its form in ERP.net, one \"Field: value\" a line.")
	}
	var pairs []formPair
	if t := strings.TrimSpace(text); strings.HasPrefix(t, "{") {
		var err error
		if pairs, err = jsonPairs(t); err != nil {
			return nil, form, err
		}
	} else {
		pairs = linePairs(text, &form)
	}
	rec := &TrustedAppRecord{}
	for _, p := range pairs {
		if secretLabel(p.label) {
			return nil, form, formError(fmt.Sprintf("%s %q holds a secret: the form never shows the secret, only ApplicationSecretHash. Remove that line (the secret stays in the profile, where this tool compares its hash), and rotate the secret if the text was shared.", p.where, p.label))
		}
		field := formFieldOf(p.label)
		if field == "" {
			form.Notes = append(form.Notes, fmt.Sprintf("%s: %q is not a field the checklist uses; ignored.", p.where, p.label))
			continue
		}
		if form.Given[field] {
			form.Notes = append(form.Notes, fmt.Sprintf("%s: %s appears twice; the first value counts.", p.where, field))
			continue
		}
		if note := setFormField(rec, field, p); note != "" {
			form.Notes = append(form.Notes, p.where+": "+note)
			continue
		}
		form.Given[field] = true
	}
	if n := len(form.Notes); n > maxFormNotes {
		form.Notes = append(form.Notes[:maxFormNotes], fmt.Sprintf("%d more lines were ignored or not understood.", n-maxFormNotes))
	}
	if len(form.Given) == 0 || (len(form.Given) == 1 && form.Given["Name"]) {
		return nil, form, formError("No Trusted App field was recognised in the pasted text: write one \"Field: value\" a line, e.g. \"IsEnabled: true\", with the names ApplicationUri, IsEnabled, ClientType, ApplicationSecretHash, SystemUserAllowed, SystemUser, Scope, ReferenceTokens, BasicAuthenticationAllowed.")
	}
	return rec, form, nil
}

// formPair is one label with its value as given, and where it was (for notes).
type formPair struct {
	label, value string
	hasValue     bool
	user         map[string]any // SystemUser as a JSON object
	where        string
}

// linePairs reads "Field: value" lines and label-then-value line pairs.
func linePairs(text string, form *RecordForm) []formPair {
	lines := strings.Split(text, "\n")
	var out []formPair
	for i := 0; i < len(lines); i++ {
		raw := strings.TrimSpace(strings.ReplaceAll(lines[i], "\u00a0", " "))
		if raw == "" || strings.HasPrefix(raw, "#") || isTableRule(raw) {
			continue
		}
		where := fmt.Sprintf("line %d", i+1)
		label, value, ok := splitFormLine(raw)
		if ok && value != "" {
			out = append(out, formPair{label: label, value: value, hasValue: true, where: where})
			continue
		}
		// A label alone ("Scope" or "Scope:"): its value is on the next line, as a copy
		// of a web form gives, unless that line is a label itself (the value was empty).
		if !ok {
			label = strings.TrimSuffix(strings.TrimSpace(raw), ":")
		}
		if formFieldOf(label) == "" && !secretLabel(label) {
			form.Notes = append(form.Notes, fmt.Sprintf("%s: %q has no value and is not a field name; ignored.", where, short(raw)))
			continue
		}
		j := i + 1
		for j < len(lines) && strings.TrimSpace(lines[j]) == "" {
			j++
		}
		next := ""
		if j < len(lines) {
			next = strings.TrimSpace(strings.ReplaceAll(lines[j], "\u00a0", " "))
		}
		if next == "" || isLabelLine(next) {
			out = append(out, formPair{label: label, hasValue: ok, where: where})
			continue
		}
		out = append(out, formPair{label: label, value: next, hasValue: true, where: where})
		i = j
	}
	return out
}

// isLabelLine reports whether a line is a label (with or without its value).
func isLabelLine(s string) bool {
	if l, _, ok := splitFormLine(s); ok {
		return formFieldOf(l) != "" || secretLabel(l)
	}
	l := strings.TrimSuffix(s, ":")
	return formFieldOf(l) != "" || secretLabel(l)
}

func isTableRule(s string) bool {
	return strings.Trim(s, "|-: \t") == "" && strings.Contains(s, "-")
}

// splitFormLine splits "Field: value", "Field = value", "Field<TAB>value",
// "| Field | value |" and "Field  value" (two spaces or more, after a known label).
func splitFormLine(s string) (label, value string, ok bool) {
	if strings.HasPrefix(s, "|") {
		cells := strings.Split(strings.Trim(s, "|"), "|")
		if len(cells) >= 2 {
			return strings.TrimSpace(cells[0]), strings.TrimSpace(cells[1]), true
		}
	}
	if l, v, found := strings.Cut(s, "\t"); found {
		return strings.TrimSuffix(strings.TrimSpace(l), ":"), strings.TrimSpace(v), true
	}
	// The first ':' or '=' ends the label, unless the label part does not name a field
	// (a value such as "https://..." must not be split there).
	if i := strings.IndexAny(s, ":="); i > 0 {
		l := strings.TrimSpace(s[:i])
		if formFieldOf(l) != "" || secretLabel(l) || !strings.ContainsAny(l, "/") {
			return l, strings.TrimSpace(s[i+1:]), true
		}
	}
	if i := strings.Index(s, "  "); i > 0 {
		if l := strings.TrimSpace(s[:i]); formFieldOf(l) != "" {
			return l, strings.TrimSpace(s[i:]), true
		}
	}
	return "", "", false
}

// jsonPairs reads a JSON object (or an OData list {"value":[...]} holding one).
func jsonPairs(t string) ([]formPair, error) {
	var obj map[string]any
	dec := json.NewDecoder(strings.NewReader(t))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil {
		return nil, formError(fmt.Sprintf("The pasted text starts like JSON but is not a JSON object (%v): paste the object, or \"Field: value\" lines.", err))
	}
	if list, ok := obj["value"].([]any); ok {
		if len(list) != 1 {
			return nil, formError(fmt.Sprintf("The pasted OData list holds %d records: paste the one Trusted App to check.", len(list)))
		}
		inner, ok := list[0].(map[string]any)
		if !ok {
			return nil, formError("The pasted OData list does not hold a record object.")
		}
		obj = inner
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []formPair
	for _, k := range keys {
		p := formPair{label: k, where: fmt.Sprintf("field %q", k), hasValue: true}
		switch v := obj[k].(type) {
		case nil:
			p.value = ""
		case string:
			p.value = v
		case bool:
			p.value = fmt.Sprint(v)
		case json.Number:
			p.value = v.String()
		case map[string]any:
			p.user = v
		default:
			b, _ := json.Marshal(v)
			p.value = string(b)
		}
		out = append(out, p)
	}
	return out, nil
}

// normLabel lower-cases a label and drops what a copy adds around it: spaces,
// underscores, hyphens, dots, a trailing colon, a required-field star.
func normLabel(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// recordFormLabels maps normalised labels to fields: the model's names, their usual
// variants, and the dev docs' AccessTokens for ReferenceTokens.
var recordFormLabels = map[string]string{
	"applicationuri": "ApplicationUri", "appuri": "ApplicationUri", "clientid": "ApplicationUri", "uri": "ApplicationUri",
	"isenabled": "IsEnabled", "enabled": "IsEnabled",
	"clienttype":            "ClientType",
	"applicationsecrethash": "ApplicationSecretHash", "secrethash": "ApplicationSecretHash",
	"systemuserallowed": "SystemUserAllowed",
	"systemuser":        "SystemUser",
	"scope":             "Scope", "scopes": "Scope",
	"referencetokens": "ReferenceTokens", "accesstokens": "ReferenceTokens",
	"basicauthenticationallowed": "BasicAuthenticationAllowed", "basicauthallowed": "BasicAuthenticationAllowed",
	"name": "Name",
}

// bgLabelWords map a Bulgarian label (one with Cyrillic letters) to a field by the
// words it holds, most specific first. ERP.net's docs do not publish the form's
// Bulgarian labels: these are the words such a label is likely to hold, matched
// loosely.
var bgLabelWords = []struct {
	words []string // every one must be in the label (lower case, a stem)
	field string
}{
	{[]string{"хеш"}, "ApplicationSecretHash"},
	{[]string{"системен", "потребител", "разреш"}, "SystemUserAllowed"},
	{[]string{"системен", "потребител"}, "SystemUser"},
	{[]string{"тип", "клиент"}, "ClientType"},
	{[]string{"обхват"}, "Scope"},
	{[]string{"основн", "автентикац"}, "BasicAuthenticationAllowed"},
	{[]string{"basic", "автентикац"}, "BasicAuthenticationAllowed"},
	{[]string{"референтн", "токен"}, "ReferenceTokens"},
	{[]string{"токени", "достъп"}, "ReferenceTokens"},
	{[]string{"uri"}, "ApplicationUri"},
	{[]string{"адрес", "приложение"}, "ApplicationUri"},
	{[]string{"активн"}, "IsEnabled"},
	{[]string{"разрешено"}, "IsEnabled"},
	{[]string{"включено"}, "IsEnabled"},
	{[]string{"име"}, "Name"},
}

// formFieldOf names the field a label means ("" when none).
func formFieldOf(label string) string {
	n := normLabel(label)
	if n == "" {
		return ""
	}
	if f, ok := recordFormLabels[n]; ok {
		return f
	}
	if !hasCyrillic(label) {
		return ""
	}
	low := strings.ToLower(label)
	for _, w := range bgLabelWords {
		all := true
		for _, word := range w.words {
			if !strings.Contains(low, word) {
				all = false
				break
			}
		}
		if all {
			return w.field
		}
	}
	return ""
}

func hasCyrillic(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Cyrillic, r) {
			return true
		}
	}
	return false
}

// secretLabel reports whether a label names the secret itself (never the hash).
func secretLabel(label string) bool {
	switch normLabel(label) {
	case "clientsecret", "secret", "applicationsecret", "password", "тайна", "парола", "клиентскатайна":
		return true
	}
	return false
}

// emptyValue reports whether a value means "nothing": empty, a dash, (none), null.
func emptyValue(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "-", "—", "–", "(none)", "none", "null", "(empty)", "empty", "(няма)", "няма", "<null>":
		return true
	}
	return false
}

// formBool reads a checkbox's value as a copy shows it.
func formBool(v string) (bool, bool) {
	switch strings.ToLower(strings.Trim(strings.TrimSpace(v), "[]()")) {
	case "true", "yes", "y", "1", "on", "checked", "ticked", "x", "✓", "✔", "☑", "да", "вярно", "истина", "вкл", "включено", "отметнато":
		return true, true
	case "false", "no", "n", "0", "off", "unchecked", "☐", "не", "невярно", "лъжа", "изкл", "изключено", "неотметнато":
		return false, true
	}
	return false, false
}

// setFormField sets one field of rec from p; it returns a note when the value cannot
// be used (the field then counts as not given).
func setFormField(rec *TrustedAppRecord, field string, p formPair) string {
	v := strings.TrimSpace(p.value)
	switch field {
	case "Name":
		rec.Name = v
	case "ApplicationUri":
		if v == "" {
			return "ApplicationUri has no value."
		}
		rec.ApplicationURI = v
	case "IsEnabled", "SystemUserAllowed", "BasicAuthenticationAllowed":
		if !p.hasValue || v == "" {
			return field + " has no value (a copy of a checkbox loses its state): write true or false."
		}
		b, ok := formBool(v)
		if !ok {
			return fmt.Sprintf("%s is %q, which is neither true nor false (yes/no, 1/0, да/не).", field, short(v))
		}
		switch field {
		case "IsEnabled":
			rec.IsEnabled = &b
		case "SystemUserAllowed":
			rec.SystemUserAllowed = &b
		default:
			rec.BasicAuthAllowed = &b
		}
	case "ClientType":
		if v == "" {
			return "ClientType has no value."
		}
		rec.ClientType = formClientType(v)
	case "ReferenceTokens":
		if v == "" {
			return "ReferenceTokens has no value."
		}
		rec.ReferenceTokens = formReferenceTokens(v)
	case "Scope":
		s := strings.Join(strings.Fields(v), " ")
		if emptyValue(v) {
			s = ""
		}
		rec.Scope = &s
	case "ApplicationSecretHash":
		h := v
		if emptyValue(v) {
			h = ""
		}
		rec.ApplicationSecretHash = &h
	case "SystemUser":
		rec.SystemUserKnown = true
		if p.user != nil {
			if l, ok := p.user["Login"].(string); ok && l != "" {
				rec.SystemUser, rec.SystemUserSet = l, true
			} else if id, ok := p.user["@odata.id"].(string); ok && id != "" {
				rec.SystemUser, rec.SystemUserSet, rec.SystemUserRef = id, true, true
			}
			return ""
		}
		if !emptyValue(v) {
			rec.SystemUser, rec.SystemUserSet = v, true
		}
	}
	return ""
}

// formClientType reads ClientType as the form or the database shows it.
func formClientType(v string) string {
	switch normLabel(v) {
	case "confidential", "c", "поверителен", "конфиденциален":
		return "Confidential"
	case "public", "p", "публичен":
		return "Public"
	case "none", "n", "няма":
		return "None"
	}
	return v
}

// formReferenceTokens reads ReferenceTokens as the form or the database shows it.
func formReferenceTokens(v string) string {
	switch normLabel(v) {
	case "none", "non", "няма":
		return "None"
	case "authenticatedusers", "usr", "удостоверенипотребители", "автентикиранипотребители":
		return "AuthenticatedUsers"
	case "administratorsonly", "adm", "самоадминистратори":
		return "AdministratorsOnly"
	}
	return v
}

// short caps a value quoted in a note.
func short(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

// recordRefused says why a record read got 403 and what to do instead: both causes
// the docs allow, the System User's permissions and the sec scope, unless the answer
// names the scope it lacks.
func recordRefused(st Step) string {
	scope := ""
	for _, f := range st.Findings {
		if f.Code == APIForbiddenScope {
			scope = f.Evidence[EvScope]
		}
	}
	instead := "copy the values shown on the Trusted App's form in ERP.net into this tool instead (the record command's --from-form, or “" + FormReaderLabel + "” in the Record tab's “Read with”): the same checklist runs on them, the ApplicationSecretHash comparison included."
	secQuote := "ERP.net's docs say sec “grants access to security namespace APIs (roles, permissions, etc.)” and is “reserved for ERP.net internal use only” (scopes.md), and that the Domain API route to Trusted Apps will go away because of it (register-trusted-app.md)"
	switch scope {
	case "sec":
		return "The instance refused to show the record (HTTP 403): reading Systems_Security_TrustedApplications needs the sec scope, which no ordinary token can get: " + secQuote + ". " + sentence.Capitalize(instead)
	case "":
	default:
		return fmt.Sprintf("The instance refused to show the record (HTTP 403): the token lacks the %q scope it asks for. Request it, read with a profile whose token has it, or %s", scope, instead)
	}
	return "The instance refused to show the record (HTTP 403). Two causes are possible, and the answer does not say which: the System User behind this token may not read Trusted Application records (its roles and permissions), or the instance asks for the sec scope for them, which no ordinary token can get: " + secQuote + ". Read the record with a profile whose System User may, or " + instead
}

// FormReaderLabel names the form as a source of the record, as the app's Record tab
// offers it in "Read with".
const FormReaderLabel = "the values on the Trusted App's form"
