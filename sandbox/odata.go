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
)

type prop struct {
	name     string
	kind     propKind
	readOnly bool
	required bool
}

type row map[string]any

type entitySet struct {
	name     string // e.g. Crm_Sales_Customers
	typeName string // e.g. Crm_Sales_Customer
	entity   string // ERP.net entity name, e.g. Crm.Sales.Customers
	props    []prop
	rows     []row
	readOnly bool   // writes are a business error
	key      string // key property; "" means "Id"
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

// setNames is the stable order of the served entity sets.
var setNames = []string{"Crm_Sales_Customers", "General_Products_Products", "Systems_Security_TrustedApplications"}

// CustomerID returns the Id of the i-th seeded customer (0-based; 12 exist), for
// scenario calls and tests such as PATCH Crm_Sales_Customers(<id>).
func CustomerID(i int) string { return stableGUID(fmt.Sprintf("customer:%d", i)) }

// ProductID returns the Id of the i-th seeded product (0-based; 12 exist).
func ProductID(i int) string { return stableGUID(fmt.Sprintf("product:%d", i)) }

// seedData builds a fresh copy of the sample data (each instance mutates its own).
func seedData() map[string]*entitySet {
	base := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	customers := &entitySet{
		name: "Crm_Sales_Customers", typeName: "Crm_Sales_Customer", entity: "Crm.Sales.Customers",
		props: []prop{
			{name: "Id", kind: kGUID, readOnly: true},
			{name: "Number", kind: kString, required: true},
			{name: "Name", kind: kString, required: true},
			{name: "Active", kind: kBool},
			{name: "CreditLimit", kind: kNumber},
			{name: "Currency", kind: kString},
			{name: "GracePeriodDays", kind: kInt},
			{name: "CreationTimeUtc", kind: kDateTime, readOnly: true},
			{name: "Notes", kind: kString},
		},
	}
	names := []string{"Acme Trading Ltd", "Balkan Foods JSC", "Cobalt Logistics", "Danube Textiles", "Evergreen Pharma",
		"Fjord Marine AS", "Granite Builders", "Helios Solar GmbH", "Ivory Print House", "Juniper Retail",
		"Kestrel Aviation", "Lotus Garden Supplies"}
	currencies := []string{"EUR", "BGN", "USD"}
	for i, n := range names {
		customers.rows = append(customers.rows, row{
			"Id": CustomerID(i), "Number": fmt.Sprintf("C%05d", 1001+i), "Name": n, "Active": i%5 != 4,
			"CreditLimit": json.Number(strconv.Itoa(5000 * (i%4 + 1))), "Currency": currencies[i%3],
			"GracePeriodDays": json.Number(strconv.Itoa(15 * (i%3 + 1))),
			"CreationTimeUtc": base.Add(time.Duration(i) * 37 * time.Hour).Format(time.RFC3339),
			"Notes":           nil,
		})
	}
	products := &entitySet{
		name: "General_Products_Products", typeName: "General_Products_Product", entity: "General.Products.Products",
		props: []prop{
			{name: "Id", kind: kGUID, readOnly: true},
			{name: "PartNumber", kind: kString, required: true},
			{name: "Name", kind: kString, required: true},
			{name: "Active", kind: kBool},
			{name: "MeasurementUnit", kind: kString},
			{name: "StandardPrice", kind: kNumber},
			{name: "Currency", kind: kString},
			{name: "Notes", kind: kString},
		},
	}
	items := []struct{ name, unit, price string }{
		{"Copy paper A4 80g", "pack", "5.90"}, {"Ballpoint pen blue", "pcs", "0.45"}, {"Stapler heavy duty", "pcs", "18.00"},
		{"Office chair ergonomic", "pcs", "249.00"}, {"LED desk lamp", "pcs", "34.50"}, {"Whiteboard 120x90", "pcs", "89.00"},
		{"Coffee beans 1kg", "kg", "16.80"}, {"Mineral water 0.5l", "bottle", "0.60"}, {"Printer toner black", "pcs", "72.00"},
		{"USB-C cable 2m", "pcs", "9.90"}, {"Notebook A5 ruled", "pcs", "2.30"}, {"Shipping box 40x30x30", "pcs", "1.75"},
	}
	for i, it := range items {
		products.rows = append(products.rows, row{
			"Id": ProductID(i), "PartNumber": fmt.Sprintf("P-%04d", 100+i), "Name": it.name, "Active": true,
			"MeasurementUnit": it.unit, "StandardPrice": json.Number(it.price), "Currency": "EUR", "Notes": nil,
		})
	}
	apps := &entitySet{
		name: "Systems_Security_TrustedApplications", typeName: "Systems_Security_TrustedApplication", entity: "Systems.Security.TrustedApplications",
		readOnly: true,
		props: []prop{
			{name: "Id", kind: kGUID, readOnly: true},
			{name: "Name", kind: kString},
			{name: "ApplicationUri", kind: kString},
			{name: "ClientType", kind: kString},
			{name: "SystemUserAllowed", kind: kBool},
			{name: "Scope", kind: kString},
			{name: "IsEnabled", kind: kBool},
			{name: "ReferenceTokens", kind: kString},
			{name: "ApplicationSecretHash", kind: kString}, // string(250), nullable: base64(SHA-256(secret))
		},
		navs: []nav{{name: "SystemUser", set: "Systems_Security_Users", typeName: "Systems_Security_User",
			props: []prop{{name: "Id", kind: kGUID}, {name: "Login", kind: kString}, {name: "UserType", kind: kString}, {name: "Active", kind: kBool},
				{name: "IsAdmin", kind: kBool}}}},
	}
	return map[string]*entitySet{customers.name: customers, products.name: products, apps.name: apps}
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
			var user any
			if u := a.SystemUser; u != nil {
				user = row{"Id": u.ID, "Login": u.Login, "UserType": u.Type, "Active": u.Active, "IsAdmin": u.IsAdmin}
			}
			var hash any // null when the app has no secret, as ERP.net sends it
			if a.ApplicationSecretHash != "" {
				hash = a.ApplicationSecretHash
			}
			cp.rows = append(cp.rows, row{"Id": in.appIDs[id], "Name": a.Name, "ApplicationUri": a.ApplicationURI,
				"ClientType": a.ClientType, "SystemUserAllowed": a.SystemUserAllowed, "SystemUser": user,
				"Scope": a.Scope, "IsEnabled": a.IsEnabled, "ReferenceTokens": a.ReferenceTokens, "ApplicationSecretHash": hash})
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

// checkValues validates a change; it returns a business error message or "".
func checkValues(set *entitySet, body map[string]any, creating bool) (code, msg string) {
	for k, v := range body {
		if strings.HasPrefix(k, "@odata.") {
			continue
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
		typeOK := true
		switch p.kind {
		case kString, kDateTime:
			_, typeOK = v.(string)
		case kGUID:
			s, _ := v.(string)
			typeOK = guidRE.MatchString(s)
		case kBool:
			_, typeOK = v.(bool)
		case kInt:
			n, isNum := v.(json.Number)
			_, err := n.Int64()
			typeOK = isNum && err == nil
		case kNumber:
			_, typeOK = v.(json.Number)
		}
		if !typeOK {
			return "2029", fmt.Sprintf("The value for '%s' must be of type %s.", k, p.kind)
		}
		if s, ok := v.(string); ok && p.required && strings.TrimSpace(s) == "" {
			return "2030", fmt.Sprintf("%s is required on entity '%s'.", k, set.entity)
		}
		if n, ok := v.(json.Number); ok && p.name == "GracePeriodDays" {
			if i, _ := n.Int64(); i < 0 {
				return "2030", "GracePeriodDays must not be negative."
			}
		}
	}
	if creating {
		for _, p := range set.props {
			if p.required && body[p.name] == nil {
				return "2030", fmt.Sprintf("%s is required on entity '%s'.", p.name, set.entity)
			}
		}
	}
	return "", ""
}

func readBody(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.UseNumber()
	var body map[string]any
	if err := dec.Decode(&body); err != nil || body == nil {
		odataError(w, http.StatusBadRequest, "BadRequest", "The request body must be one JSON object, e.g. {\"Notes\":\"text\"}", "")
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
		businessError(w, r, "2031", fmt.Sprintf("Entity '%s' cannot be changed through the sandbox Domain API: edit Trusted Apps in Instance Manager.", set.entity))
		return
	}
	if code, msg := checkValues(set, body, false); code != "" {
		businessError(w, r, code, msg)
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
		businessError(w, r, "2031", fmt.Sprintf("Entity '%s' cannot be changed through the sandbox Domain API: edit Trusted Apps in Instance Manager.", set.entity))
		return
	}
	if code, msg := checkValues(set, body, true); code != "" {
		businessError(w, r, code, msg)
		return
	}
	rw := row{}
	for _, p := range set.props {
		rw[p.name] = body[p.name]
	}
	if rw["Id"] == nil {
		rw["Id"] = stableGUID(fmt.Sprintf("%s:%d", set.name, in.now().UnixNano()))
	}
	if _, ok := set.prop("CreationTimeUtc"); ok {
		rw["CreationTimeUtc"] = in.now().UTC().Format(time.RFC3339)
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
	var b bytes.Buffer
	b.WriteString(`{"@odata.context":`)
	writeJSONValue(&b, in.odataRoot()+"$metadata#"+set.name+"/$entity")
	b.WriteByte(',')
	encodeRowFields(&b, set, rw, nil, nil)
	b.WriteByte('}')
	w.Header().Set("Location", fmt.Sprintf("%s%s(%s)", in.odataRoot(), set.name, rw["Id"]))
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

// writeModel answers /api/domain/standardmodel (anonymous) and currentmodel (token;
// adds the database).
func (in *instance) writeModel(w http.ResponseWriter, current bool) {
	var ents []map[string]any
	for _, n := range setNames {
		s := in.sets[n]
		var attrs []map[string]string
		for _, p := range s.props {
			attrs = append(attrs, map[string]string{"name": p.name, "type": strings.TrimPrefix(string(p.kind), "Edm.")})
		}
		ents = append(ents, map[string]any{"name": s.entity, "entitySet": s.name, "attributes": attrs})
	}
	m := map[string]any{"version": in.cfg.Version, "entities": ents}
	if current {
		m["database"] = in.cfg.Database
		m["customizations"] = []string{}
	}
	writeJSON(w, http.StatusOK, m)
}
