package guide

import (
	"sort"
	"strings"
	"testing"
	"trustedapp-tester/internal/platform"
)

// recorder is a Translator that marks what it translates and remembers each key.
type recorder struct{ keys map[string]string }

func (r *recorder) X(key, fallback string, _ ...any) string {
	r.keys[key] = fallback
	// Keep the placeholders: translate only the words outside braces.
	var b strings.Builder
	depth := 0
	for _, c := range fallback {
		switch c {
		case '{':
			depth++
		case '}':
			depth--
		}
		if depth == 0 && c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		b.WriteRune(c)
	}
	return b.String()
}

// richEvidence holds a value for every key the catalogue weaves in, so every segment
// of every template is rendered.
func richEvidence() map[string]string {
	ev := map[string]string{}
	for k := range knownKeys {
		ev[k] = "v" + k
	}
	ev["auth_method"], ev["version"], ev["actual"] = "basic", "20.1.3", "memory"
	ev["status"], ev["scope"], ev["requested"] = "401", "openid", "read sec DomainApi openid"
	ev["expected"], ev["issuer"] = "https://a.example/id", "http://a.example/id"
	return ev
}

// Every key ExplainIn asks a translator for is one Sources lists, so a translation
// that covers Sources covers everything guide says; and the English of each key is
// what Sources says it is.
func TestSourcesCoverEveryKeyExplainInUses(t *testing.T) {
	r := &recorder{keys: map[string]string{}}
	evs := []map[string]string{richEvidence(), nil, {"version": "26.2.0.1", "auth_method": "post", "actual": "keychain", "url": "https://x/odata/A"},
		{"scope": "sec DomainApi openid update", "version": "26.1.0.0"},
		{"credential": "client secret"}, {"credential": "access token"}, {"credential": "password"}}
	for _, code := range append(Codes(), "no.such.code", "") {
		for _, ev := range evs {
			ExplainIn(r, code, ev)
		}
	}
	for _, goos := range []string{"windows", "darwin", "linux"} {
		explainOn(platform.Of(goos), r, "token.from_cache", map[string]string{"actual": "keychain"})
	}
	for _, a := range [][2]string{{"https://a/id", "https://a/id/"}, {"http://a/id", "https://a/id"}, {"https://a/id", "https://b/id"}, {"https://a/id", "https://a/x"}} {
		issuerWhy(a[0], a[1], r)
	}
	for where := range whereKeys {
		WhereIn(r, where)
	}
	src := Sources()
	var unlisted []string
	for k, en := range r.keys {
		if s, ok := src[k]; !ok {
			unlisted = append(unlisted, k)
		} else if s != en {
			t.Errorf("%s: Sources has %q, ExplainIn asked with %q", k, s, en)
		}
	}
	sort.Strings(unlisted)
	if len(unlisted) > 0 {
		t.Errorf("keys ExplainIn asks for that Sources does not list:\n%s", strings.Join(unlisted, "\n"))
	}
	var unused []string
	for k := range src {
		if _, ok := r.keys[k]; !ok {
			unused = append(unused, k)
		}
	}
	sort.Strings(unused)
	if len(unused) > 0 {
		t.Errorf("keys Sources lists that ExplainIn never asks for:\n%s", strings.Join(unused, "\n"))
	}
}

// A translation is woven with the same evidence as the English; codes, field names,
// doc links and Where stay as they are.
func TestExplainInTranslatesAroundTheEvidence(t *testing.T) {
	ev := map[string]string{"error_description": "Invalid client", "client_id": "com.acme/app", "auth_method": "post"}
	en := Explain("token.invalid_client", ev)
	x := ExplainIn(&recorder{keys: map[string]string{}}, "token.invalid_client", ev)
	if x.Code != en.Code || x.DocURL != en.DocURL || len(x.Fields) != len(en.Fields) || len(x.Steps) != len(en.Steps) {
		t.Fatalf("shape changed: %+v", x)
	}
	if !strings.Contains(x.What, "com.acme/app") || !strings.Contains(x.What, "Invalid client") || x.What == en.What {
		t.Errorf("what: %q", x.What)
	}
	if !strings.Contains(x.What, "THE REQUEST SENT") {
		t.Errorf("the derived auth hint was not translated: %q", x.What)
	}
	for i, f := range x.Fields {
		if f.Where != en.Fields[i].Where || f.Name != en.Fields[i].Name {
			t.Errorf("field %d: %+v, English %+v", i, f, en.Fields[i])
		}
	}
	if got := WhereIn(&recorder{keys: map[string]string{}}, WhereTrustedApp); got != "TRUSTED APP" || WhereIn(nil, WhereTrustedApp) != "Trusted App" {
		t.Errorf("WhereIn: %q", got)
	}
	// A field name that is words is translated; one that is a field name is not.
	clock := ExplainIn(&recorder{keys: map[string]string{}}, "token.clock_skew", nil)
	if len(clock.Fields) == 0 || clock.Fields[0].Name != "LOCAL CLOCK" {
		t.Errorf("clock_skew's field: %+v", clock.Fields)
	}
	// An unknown code says what it recorded, translated.
	g := ExplainIn(&recorder{keys: map[string]string{}}, "x.unknown", map[string]string{"status": "418"})
	if !g.Generic || !strings.Contains(g.What, "WHAT IT RECORDED: status: 418") || g.Title != "FINDING x.unknown" {
		t.Errorf("generic: %+v", g)
	}
	// ExplainIn(nil) is Explain.
	if n := ExplainIn(nil, "token.invalid_client", ev); n.What != en.What || n.Title != en.Title {
		t.Errorf("ExplainIn(nil) = %+v", n)
	}
}
