package profiles

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

// futureStore is a store file as a newer version might write it: members this version
// does not know at the top level, on a profile, in its TLS options and on a call.
const futureStore = `{"schema":1,"sync":{"server":"https://sync.example","since":"2027-01-01"},"profiles":[
 {"name":"Acme Test","instance_url":"https://acme.my.erp.net","client_id":"c","color":"#ff8800","pinned":true,
  "tls":{"ca_file":"","client_cert":{"file":"acme.pem"}},
  "calls":[{"method":"GET","path":"/api/domain/odata/X","expect_status":200},{"method":"GET","path":"/y"}],
  "created":"2026-01-01T00:00:00Z","updated":"2026-01-01T00:00:00Z"}]}`

// unknownOfFile reads back what futureStore added, from any store file or bundle.
func unknownOfFile(t *testing.T, raw []byte) map[string]string {
	t.Helper()
	var f struct {
		Sync     json.RawMessage `json:"sync"`
		Profiles []struct {
			Name   string          `json:"name"`
			Color  json.RawMessage `json:"color"`
			Pinned json.RawMessage `json:"pinned"`
			TLS    struct {
				ClientCert json.RawMessage `json:"client_cert"`
			} `json:"tls"`
			Calls []struct {
				Expect json.RawMessage `json:"expect_status"`
			} `json:"calls"`
		} `json:"profiles"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	out := map[string]string{"sync": compact(f.Sync)}
	for _, p := range f.Profiles {
		if p.Name != "Acme Test" {
			continue
		}
		out["color"], out["pinned"], out["client_cert"] = compact(p.Color), compact(p.Pinned), compact(p.TLS.ClientCert)
		if len(p.Calls) > 0 {
			out["expect_status"] = compact(p.Calls[0].Expect)
		}
	}
	return out
}

func compact(raw json.RawMessage) string {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return ""
	}
	return b.String()
}

var wantUnknown = map[string]string{
	"sync": `{"server":"https://sync.example","since":"2027-01-01"}`, "color": `"#ff8800"`, "pinned": "true",
	"client_cert": `{"file":"acme.pem"}`, "expect_status": "200",
}

func checkUnknown(t *testing.T, what string, raw []byte, top bool) {
	t.Helper()
	got := unknownOfFile(t, raw)
	for k, want := range wantUnknown {
		if k == "sync" && !top {
			continue
		}
		if got[k] != want {
			t.Errorf("%s: %s = %s, want %s", what, k, got[k], want)
		}
	}
}

// What a newer version wrote survives every kind of change this version makes: edits
// through Get (the CLI's edit), edits of a profile rebuilt from form fields (the
// editor), other profiles added, the secret date, a rename, export and import, so a
// downgrade followed by an upgrade loses nothing (issue 11, item 3: gone after two
// edits).
func TestUnknownFieldsSurviveEdits(t *testing.T) {
	path := writeStore(t, futureStore, "")
	clock := t0
	s := openAt(t, path, &clock)
	p, _ := s.Get("Acme Test")
	p.Notes = "first edit"
	if err := s.Update(p.Name, p); err != nil {
		t.Fatal(err)
	}
	// The editor rebuilds the profile and its calls from widgets.
	rebuilt := Profile{Name: "Acme Test", InstanceURL: "https://acme.my.erp.net", ClientID: "c", Notes: "second edit",
		Calls: []APICall{{Method: "GET", Path: "/api/domain/odata/X"}, {Method: "POST", Path: "/new", Body: "{}"}}}
	if err := s.Update("Acme Test", rebuilt); err != nil {
		t.Fatal(err)
	}
	other := validProfile()
	other.Name = "Other"
	if err := s.Add(other); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSecretSet("Acme Test", t0); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	checkUnknown(t, "after edits", raw, true)
	// Reopened (a restart), renamed and edited again.
	s = openAt(t, path, &clock)
	p, _ = s.Get("Acme Test")
	p.Name = "Acme Renamed"
	if err := s.Update("Acme Test", p); err != nil {
		t.Fatal(err)
	}
	p.Name = "Acme Test"
	if err := s.Update("Acme Renamed", p); err != nil {
		t.Fatal(err)
	}
	raw, _ = os.ReadFile(path)
	checkUnknown(t, "after a rename", raw, true)

	var bun bytes.Buffer
	if err := s.Export([]string{"Acme Test"}, &bun); err != nil {
		t.Fatal(err)
	}
	checkUnknown(t, "export", bun.Bytes(), false)
	dst := openAt(t, storePath(t), &clock)
	if _, err := dst.Import(bytes.NewReader(bun.Bytes()), nil); err != nil {
		t.Fatal(err)
	}
	raw, _ = os.ReadFile(dst.Path())
	checkUnknown(t, "import", raw, false)
	if strings.Contains(string(raw), `"sync"`) {
		t.Error("a store's own top-level members travelled with an export")
	}
}

func TestUnknownFieldsRoundTripExactly(t *testing.T) {
	var p Profile
	in := `{"name":"x","instance_url":"u","client_id":"c","zeta":[1, 2],"alpha":{"b":null},"Name2":"kept"}`
	if err := json.Unmarshal([]byte(in), &p); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"x","instance_url":"u","client_id":"c","created":"0001-01-01T00:00:00Z","updated":"0001-01-01T00:00:00Z","Name2":"kept","alpha":{"b":null},"zeta":[1,2]}`
	if string(out) != want {
		t.Fatalf("got  %s\nwant %s", out, want)
	}
	// A member that only differs in case is the known field, as encoding/json reads it.
	var q Profile
	if err := json.Unmarshal([]byte(`{"NAME":"y"}`), &q); err != nil || q.Name != "y" || q.unknown != "" {
		t.Fatalf("%+v %v", q, err)
	}
	// Bad JSON in any shape is still an error.
	for _, bad := range []string{`{"name":1}`, `{"tls":[]}`, `{"calls":[{"method":2}]}`, `[]`} {
		if err := json.Unmarshal([]byte(bad), &q); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// hasUnknownMember (the fast path) agrees with decoding every member.
func FuzzUnknownMembers(f *testing.F) {
	f.Add(`{"name":"x","instance_url":"u"}`)
	f.Add(`{"name":"x","new":{"a":[1,"}",{"b":"\""}]},"client_id":"c"}`)
	f.Add(`{ "NAME" : "x" , "tls" : { "ca_file" : "a\\"b" } }`)
	f.Add(`{"na\u006de":"x"}`)
	f.Add(`{}`)
	f.Fuzz(func(t *testing.T, in string) {
		var all map[string]json.RawMessage
		if json.Unmarshal([]byte(in), &all) != nil {
			return
		}
		known := keysOf(reflect.TypeOf(profileJSON{}))
		want := false
		for k := range all {
			if !known[strings.ToLower(k)] {
				want = true
			}
		}
		// It may say yes for an escaped name (then the slow path decides), never no
		// when there is an unknown member.
		if got := hasUnknownMember([]byte(in), known); want && !got {
			t.Fatalf("missed an unknown member in %s", in)
		}
	})
}
