package sandbox

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Reading a collection or an entity: $top, $skip, $select, $filter, $expand and the
// opaque $skiptoken of @odata.nextLink, and the JSON a row is written as.

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
