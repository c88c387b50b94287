package profiles

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// A bundle's member names, read as a person reads them. encoding/json matches a member
// to a field ignoring case and lets the last one win, so a file holding "instance_url"
// and, further down, "Instance_URL" shows one host to whoever reads it and gives
// another to the program. An import refuses a profile that names a field twice (in any
// case), and notes one that spells a field in another case.

// keyFlaws are what the member names of one profile of a bundle say.
type keyFlaws struct {
	twice   []Problem      // a field named twice: the profile is refused
	spelled []SecurityNote // a field spelled in another case: noted in the review
}

// bundleKeyFlaws reads the member names of each profile of the bundle raw (valid JSON:
// decodeStore read it), by the profile's index.
func bundleKeyFlaws(raw []byte) map[int]keyFlaws {
	out := map[int]keyFlaws{}
	list := raw
	if t := skipSpace(raw, 0); t < len(raw) && raw[t] == '{' {
		v, ok := memberValue(raw, "profiles")
		if !ok {
			return out
		}
		list = v
	}
	eachElement(list, func(i int, elem []byte) {
		var f keyFlaws
		checkMembers(elem, "", reflect.TypeFor[profileJSON](), &f)
		eachMember(elem, func(name, value []byte) bool {
			switch strings.ToLower(memberName(name)) {
			case "tls":
				checkMembers(value, "tls.", reflect.TypeFor[tlsJSON](), &f)
			case "calls":
				eachElement(value, func(j int, call []byte) {
					checkMembers(call, fmt.Sprintf("calls[%d].", j), reflect.TypeFor[callJSON](), &f)
				})
			}
			return true
		})
		if len(f.twice) > 0 || len(f.spelled) > 0 {
			out[i] = f
		}
	})
	return out
}

// checkMembers looks at the member names of the JSON object obj, whose fields are t's.
func checkMembers(obj []byte, prefix string, t reflect.Type, f *keyFlaws) {
	known := keysOf(t)
	seen := map[string][]string{} // the field (lower case) -> the names that set it
	var order []string
	eachMember(obj, func(raw, _ []byte) bool {
		name := memberName(raw)
		k := strings.ToLower(name)
		if !known[k] {
			return true
		}
		if _, ok := seen[k]; !ok {
			order = append(order, k)
		}
		seen[k] = append(seen[k], name)
		return true
	})
	for _, k := range order {
		names := seen[k]
		field := prefix + k
		switch {
		case len(names) > 1:
			f.twice = append(f.twice, Problem{Field: field, Severity: SeverityError,
				Message: fmt.Sprintf("is named %d times in the file (%s): a JSON reader takes the last and ignores case, so what the file shows is not what it means; keep one %q and import again", len(names), quoteNames(names), k)})
		case names[0] != k:
			f.spelled = append(f.spelled, SecurityNote{Field: field,
				Message: fmt.Sprintf("the file spells it %q; it was read as %q (Trusted App Tester writes %q): check that the file is what it seems", names[0], k, k)})
		}
	}
}

// memberName is a raw member name with its escapes undone ("instance\u005furl" is
// instance_url to a JSON reader, so it is to this check).
func memberName(raw []byte) string {
	if strings.IndexByte(string(raw), '\\') < 0 {
		return string(raw)
	}
	var s string
	if err := json.Unmarshal([]byte(`"`+string(raw)+`"`), &s); err != nil {
		return string(raw)
	}
	return s
}

func quoteNames(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
