package origin

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct{ raw, want, display, err string }{
		{"https://ACME.my.erp.net:443/x?y", "https://acme.my.erp.net", "https://acme.my.erp.net", ""},
		{"http://acme.my.erp.net:80", "http://acme.my.erp.net", "http://acme.my.erp.net", ""},
		{"https://acme.my.erp.net:8443", "https://acme.my.erp.net:8443", "https://acme.my.erp.net:8443", ""},
		{"https://аcme.my.erp.net", "https://xn--cme-5cd.my.erp.net", "https://xn--cme-5cd.my.erp.net (аcme.my.erp.net)", ""},
		{"https://ａｃｍｅ.example", "https://acme.example", "https://acme.example (ａｃｍｅ.example)", ""}, // full-width letters map to ASCII
		{"https://acme.my.erp.net.", "https://acme.my.erp.net.", "", ""},
		{"https://[::1]:8443/", "https://[::1]:8443", "", ""},
		{"https://127.0.0.1", "https://127.0.0.1", "", ""},
		{"ftp://acme.example", "", "", "not an http(s) address"},
		{"https:///path", "", "", "has no host"},
	} {
		o, err := Parse(tc.raw)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err %v, want %q", tc.raw, err, tc.err)
			}
			continue
		}
		if err != nil || o.String() != tc.want || (tc.display != "" && o.Display() != tc.display) {
			t.Errorf("%s: %q %q %v", tc.raw, o.String(), o.Display(), err)
		}
	}
	if !Same("https://ACME.my.erp.net/", "https://acme.my.erp.net:443/id") || Same("https://acme.my.erp.net", "https://аcme.my.erp.net") || Same("https://a.example", "http://a.example") {
		t.Error("Same")
	}
}

func TestMixedScript(t *testing.T) {
	for _, tc := range []struct {
		host, label string
		mixed       bool
	}{
		{"аcme.my.erp.net", "аcme", true},
		{"xn--cme-5cd.my.erp.net", "аcme", true}, // its DNS form, decoded
		{"acme.my.erp.net", "", false},
		{"пример.рф", "", false}, // all Cyrillic: not mixed
		{"acme-2.example", "", false},
	} {
		label, _, mixed := MixedScript(tc.host)
		if mixed != tc.mixed || label != tc.label {
			t.Errorf("%s: %q %v", tc.host, label, mixed)
		}
	}
}
