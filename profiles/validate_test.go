package profiles

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"trustedapp-tester/internal/testdir"
)

func validProfile() Profile {
	return Profile{
		Name:        "Acme Test",
		Environment: EnvTest,
		InstanceURL: "https://acme.my.erp.net",
		ClientID:    "https://acme.example/apps/checker",
		AuthMethod:  AuthPost,
		Scopes:      []string{"read", "update"},
	}
}

func TestValidateValidProfileHasNoProblems(t *testing.T) {
	if ps := Validate(validProfile(), nil); len(ps) != 0 {
		t.Fatalf("want no problems, got %v", ps)
	}
	p := validProfile()
	p.InstanceURL = "http://127.0.0.1:8443"
	p.Calls = []APICall{{Method: "POST", Path: "/api/domain/odata/X", Body: "{}"}, {Method: "GET", Path: "https://other.example/x"}}
	p.Proxy = "socks5://127.0.0.1:1080"
	p.TimeoutSeconds = 600
	if ps := Validate(p, nil); len(ps) != 0 {
		t.Fatalf("loopback http, calls, proxy: want no problems, got %v", ps)
	}
}

func TestValidateProblems(t *testing.T) {
	dir := testdir.New(t)
	notPEM := filepath.Join(dir, "ca.txt")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		mod    func(p *Profile)
		others []Profile
		field  string
		sev    Severity
		want   string
	}{
		{"empty name", func(p *Profile) { p.Name = " " }, nil, "name", SeverityError, "give the profile a name"},
		{"padded name", func(p *Profile) { p.Name = "Acme " }, nil, "name", SeverityError, "leading or trailing spaces"},
		{"control char", func(p *Profile) { p.Name = "a\tb" }, nil, "name", SeverityError, "control character"},
		{"long name", func(p *Profile) { p.Name = strings.Repeat("x", 101) }, nil, "name", SeverityError, "at most 100"},
		{"duplicate", func(p *Profile) {}, []Profile{{Name: "ACME test"}}, "name", SeverityError, `a profile named "ACME test" already exists`},
		{"empty instance", func(p *Profile) { p.InstanceURL = "" }, nil, "instance_url", SeverityError, "enter the instance root"},
		{"no scheme", func(p *Profile) { p.InstanceURL = "acme.my.erp.net" }, nil, "instance_url", SeverityError, "has no scheme"},
		{"bad url", func(p *Profile) { p.InstanceURL = "https://acme .my.erp.net" }, nil, "instance_url", SeverityError, "not a valid URL"},
		{"ftp", func(p *Profile) { p.InstanceURL = "ftp://acme" }, nil, "instance_url", SeverityError, `scheme "ftp"`},
		{"http remote", func(p *Profile) { p.InstanceURL = "http://acme.my.erp.net" }, nil, "instance_url", SeverityWarning, "use https://"},
		{"userinfo", func(p *Profile) { p.InstanceURL = "https://bob:hunter2@acme.my.erp.net" }, nil, "instance_url", SeverityError, "must never be stored"},
		{"global id as instance", func(p *Profile) { p.InstanceURL = "https://id.erp.net" }, nil, "instance_url", SeverityError, "global identity server"},
		{"authority path", func(p *Profile) { p.InstanceURL = "https://acme.my.erp.net/id" }, nil, "instance_url", SeverityWarning, "looks like the authority"},
		{"query", func(p *Profile) { p.InstanceURL = "https://acme.my.erp.net/?x=1" }, nil, "instance_url", SeverityError, "query or fragment"},
		{"global authority", func(p *Profile) { p.Authority = "https://id.erp.net" }, nil, "authority", SeverityError, "issues no tokens for an instance"},
		{"bad token endpoint", func(p *Profile) { p.TokenEndpoint = "/id/connect/token" }, nil, "token_endpoint", SeverityError, "enter an absolute URL"},
		{"http odata", func(p *Profile) { p.ODataRoot = "http://acme.my.erp.net/api/domain/odata/" }, nil, "odata_root", SeverityWarning, "unencrypted"},
		{"empty client", func(p *Profile) { p.ClientID = "" }, nil, "client_id", SeverityError, "ApplicationUri"},
		{"padded client", func(p *Profile) { p.ClientID = " x" }, nil, "client_id", SeverityWarning, "must match exactly"},
		{"auth", func(p *Profile) { p.AuthMethod = "jwt" }, nil, "auth_method", SeverityError, `use "post"`},
		{"unknown scope", func(p *Profile) { p.Scopes = []string{"write"} }, nil, "scopes[0]", SeverityWarning, "known scopes are read update offline_access openid profile sec"},
		{"case scope", func(p *Profile) { p.Scopes = []string{"Read"} }, nil, "scopes[0]", SeverityWarning, `did you mean "read"`},
		{"domainapi", func(p *Profile) { p.Scopes = []string{"read", "DomainApi"} }, nil, "scopes[1]", SeverityWarning, "legacy"},
		{"openid", func(p *Profile) { p.Scopes = []string{"openid"} }, nil, "scopes[0]", SeverityWarning, "never granted to a service"},
		{"offline", func(p *Profile) { p.Scopes = []string{"offline_access"} }, nil, "scopes[0]", SeverityWarning, "never granted to a service"},
		{"scope with space", func(p *Profile) { p.Scopes = []string{"read update"} }, nil, "scopes[0]", SeverityError, "list each scope separately"},
		{"scope twice", func(p *Profile) { p.Scopes = []string{"read", "read"} }, nil, "scopes[1]", SeverityWarning, "listed twice"},
		{"call method", func(p *Profile) { p.Calls = []APICall{{Method: "FETCH", Path: "/x"}} }, nil, "calls[0].method", SeverityError, "not an HTTP method"},
		{"call no method", func(p *Profile) { p.Calls = []APICall{{Path: "/x"}} }, nil, "calls[0].method", SeverityError, "is empty"},
		{"call path", func(p *Profile) { p.Calls = []APICall{{Method: "GET", Path: ""}} }, nil, "calls[0].path", SeverityError, "enter a path"},
		{"call space", func(p *Profile) { p.Calls = []APICall{{Method: "GET", Path: "/a b"}} }, nil, "calls[0].path", SeverityError, "%20"},
		{"call scheme", func(p *Profile) { p.Calls = []APICall{{Method: "GET", Path: "file:///etc/passwd"}} }, nil, "calls[0].path", SeverityError, `scheme "file"`},
		{"get body", func(p *Profile) { p.Calls = []APICall{{Method: "GET", Path: "/x", Body: "{}"}} }, nil, "calls[0].body", SeverityWarning, "use POST"},
		{"missing ca", func(p *Profile) { p.TLS.CAFile = filepath.Join(dir, "nope.pem") }, nil, "tls.ca_file", SeverityError, "does not exist"},
		{"not pem", func(p *Profile) { p.TLS.CAFile = notPEM }, nil, "tls.ca_file", SeverityError, "contains no PEM certificate"},
		{"insecure", func(p *Profile) { p.TLS.InsecureSkipVerify = true }, nil, "tls.insecure_skip_verify", SeverityWarning, "verification is OFF"},
		{"proxy scheme", func(p *Profile) { p.Proxy = "proxy.example:3128" }, nil, "proxy", SeverityError, "use http://"},
		{"proxy bad", func(p *Profile) { p.Proxy = "http://[::1" }, nil, "proxy", SeverityError, "not a valid URL"},
		{"proxy host", func(p *Profile) { p.Proxy = "http://" }, nil, "proxy", SeverityError, "has no host"},
		{"proxy login", func(p *Profile) { p.Proxy = "http://ops:hunter2@proxy.example:3128" }, nil, "proxy", SeverityError, "put the proxy login in the HTTPS_PROXY environment variable"},
		{"negative timeout", func(p *Profile) { p.TimeoutSeconds = -1 }, nil, "timeout_seconds", SeverityError, "is negative"},
		{"huge timeout", func(p *Profile) { p.TimeoutSeconds = 601 }, nil, "timeout_seconds", SeverityError, "at most 600"},
		// issue 11: limits, and characters that hide or reorder text
		{"100,000-character host", func(p *Profile) { p.InstanceURL = "https://" + strings.Repeat("a", 100_000) + ".example" }, nil, "instance_url", SeverityError, "the URL is 100016 bytes long; a URL has at most 2048"},
		{"long host", func(p *Profile) { p.InstanceURL = "https://" + strings.Repeat("abcdefghi.", 30) + "example" }, nil, "instance_url", SeverityError, "the host name is 307 characters long; a host name has at most 253"},
		{"long label", func(p *Profile) { p.Authority = "https://" + strings.Repeat("a", 64) + ".example/id" }, nil, "authority", SeverityError, "a part of 64 characters"},
		{"empty label", func(p *Profile) { p.InstanceURL = "https://acme..example" }, nil, "instance_url", SeverityError, "empty part between dots"},
		{"port 99999", func(p *Profile) { p.InstanceURL = "https://acme.my.erp.net:99999" }, nil, "instance_url", SeverityError, "the port 99999 does not exist: ports go from 1 to 65535"},
		{"port 0", func(p *Profile) { p.TokenEndpoint = "https://acme.my.erp.net:0/id/connect/token" }, nil, "token_endpoint", SeverityError, "the port 0 does not exist"},
		{"proxy port", func(p *Profile) { p.Proxy = "http://proxy.example:70000" }, nil, "proxy", SeverityError, "the port 70000 does not exist"},
		{"call port", func(p *Profile) { p.Calls = []APICall{{Method: "GET", Path: "https://other.example:123456/x"}} }, nil, "calls[0].path", SeverityError, "the port 123456 does not exist"},
		{"bidi name", func(p *Profile) { p.Name = "Invoice\u202etxt.exe" }, nil, "name", SeverityError, "contains U+202E, an invisible or direction-changing character"},
		{"zero-width name", func(p *Profile) { p.Name = "Acme\u200bTest" }, nil, "name", SeverityError, "contains U+200B"},
		{"invalid utf-8 name", func(p *Profile) { p.Name = "Acme \xff" }, nil, "name", SeverityError, "not valid UTF-8"},
		{"long unicode name", func(p *Profile) { p.Name = strings.Repeat("é", 101) }, nil, "name", SeverityError, "is 101 characters long"},
		{"decomposed duplicate", func(p *Profile) { p.Name = "cafe\u0301" }, []Profile{{Name: "Caf\u00e9"}}, "name", SeverityError, "a profile named \"Café\" already exists"},
		{"hidden client id", func(p *Profile) { p.ClientID = "app\u200d" }, nil, "client_id", SeverityError, "contains U+200D"},
		{"hidden scope", func(p *Profile) { p.Scopes = []string{"read\u2060"} }, nil, "scopes[0]", SeverityError, "contains U+2060"},
		{"bidi url", func(p *Profile) { p.InstanceURL = "https://acme.my.erp.net/\u202e" }, nil, "instance_url", SeverityError, "contains U+202E"},
		{"hidden path", func(p *Profile) { p.Calls = []APICall{{Method: "GET", Path: "/x\u202e"}} }, nil, "calls[0].path", SeverityError, "contains U+202E"},
		{"long path", func(p *Profile) { p.Calls = []APICall{{Method: "GET", Path: "/" + strings.Repeat("x", 9000)}} }, nil, "calls[0].path", SeverityError, "at most 8192"},
		{"merge", func(p *Profile) { p.Calls = []APICall{{Method: "MERGE", Path: "/x"}} }, nil, "calls[0].method", SeverityError, "updates with PATCH: use PATCH"},
		{"method list", func(p *Profile) { p.Calls = []APICall{{Method: "FETCH", Path: "/x"}} }, nil, "calls[0].method", SeverityError, "use GET, POST, PATCH, PUT, DELETE, HEAD or OPTIONS"},
		{"lower-case method", func(p *Profile) { p.Calls = []APICall{{Method: "head", Path: "/x"}} }, nil, "calls[0].method", SeverityWarning, `use "HEAD"`},
		{"delete body", func(p *Profile) { p.Calls = []APICall{{Method: "DELETE", Path: "/x", Body: "{}"}} }, nil, "calls[0].body", SeverityWarning, "a DELETE request has a body"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := validProfile()
			c.mod(&p)
			ps := Validate(p, c.others)
			for _, pr := range ps {
				if pr.Field == c.field && pr.Severity == c.sev && strings.Contains(pr.Message, c.want) {
					if strings.Contains(pr.Message, "hunter2") {
						t.Fatalf("message leaks the URL password: %s", pr.Message)
					}
					return
				}
			}
			t.Fatalf("want %s on %s containing %q, got %v", c.sev, c.field, c.want, ps)
		})
	}
}

func TestKnownScopes(t *testing.T) {
	var names []string
	for _, s := range KnownScopes() {
		names = append(names, s.Name)
	}
	if got := strings.Join(names, " "); got != "read update offline_access openid profile sec" {
		t.Fatalf("KnownScopes = %q", got)
	}
}

func TestValidationErrorListsOnlyErrors(t *testing.T) {
	p := validProfile()
	p.ClientID = ""
	p.Scopes = []string{"openid"}
	err := &ValidationError{Name: p.Name, Problems: Validate(p, nil)}
	msg := err.Error()
	if !strings.Contains(msg, "client_id: is empty") || strings.Contains(msg, "openid") {
		t.Fatalf("message: %s", msg)
	}
}

// Every rule reaches its message through one table of methods, one call parser and one
// timeout parser: the CLI, the editor and validation cannot drift apart (issue 12).
func TestMethodsCallsAndTimeouts(t *testing.T) {
	if got := strings.Join(MethodNames(), " "); got != "GET POST PATCH PUT DELETE HEAD OPTIONS" {
		t.Fatalf("methods %s", got)
	}
	for _, m := range Methods() {
		p := validProfile()
		p.Calls = []APICall{{Method: m.Name, Path: "/x"}}
		if ps := Validate(p, nil); HasErrors(ps) {
			t.Errorf("%s refused by validation: %v", m.Name, ps)
		}
		if _, err := ParseCall(m.Name + " /x"); err != nil {
			t.Errorf("%s refused by ParseCall: %v", m.Name, err)
		}
	}
	for in, want := range map[string]string{
		"get /api/domain/odata/X?$top=1":    "GET /api/domain/odata/X?$top=1 ",
		`POST /api/x {"a": 1}`:              `POST /api/x {"a": 1}`,
		"  PATCH https://other.example/x  ": "PATCH https://other.example/x ",
	} {
		c, err := ParseCall(in)
		if got := c.Method + " " + c.Path + " " + c.Body; err != nil || got != want {
			t.Errorf("ParseCall(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"GET":          "write the method and the path",
		"MERGE /x":     "use PATCH",
		"FETCH /x":     `"FETCH" is not an HTTP method an API call can use: use GET, POST, PATCH, PUT, DELETE, HEAD or OPTIONS`,
		"GET file:///": `the scheme "file" cannot be called`,
		"GET /x\u202e": "contains U+202E",
	} {
		if _, err := ParseCall(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseCall(%q) = %v, want %q", in, err, want)
		}
	}
	for in, want := range map[string]time.Duration{"30s": 30 * time.Second, "45": 45 * time.Second, "2m": 2 * time.Minute,
		"1500ms": 1500 * time.Millisecond, "0": 0, " 600 ": 10 * time.Minute, "10m": 10 * time.Minute} {
		if d, err := ParseTimeout(in); err != nil || d != want {
			t.Errorf("ParseTimeout(%q) = %v, %v; want %v", in, d, err, want)
		}
	}
	for in, want := range map[string]string{"601": "at most 600s", "11m": "at most 600s", "-1s": "is negative", "-5": "is negative",
		"soon": "write a duration such as 30s", "99999999999999999999": "write a duration", "": "write a duration"} {
		if _, err := ParseTimeout(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseTimeout(%q) = %v, want %q", in, err, want)
		}
	}
}

// A name is stored in NFC: "café" typed composed or decomposed is one profile, found
// by either spelling, with one keychain entry.
func TestNamesAreNormalized(t *testing.T) {
	clock := t0
	s := openAt(t, storePath(t), &clock)
	p := validProfile()
	p.Name = "Cafe\u0301 Prod" // decomposed, as some keyboards and file names give it
	if err := s.Add(p); err != nil {
		t.Fatal(err)
	}
	if got := s.List()[0].Name; got != "Caf\u00e9 Prod" {
		t.Fatalf("stored as %q, want the NFC form", got)
	}
	if _, err := s.Get("CAF\u00c9 prod"); err != nil {
		t.Fatalf("composed lookup: %v", err)
	}
	p.Name = "Caf\u00e9 Prod"
	if err := s.Add(p); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("the composed spelling was a second profile: %v", err)
	}
	if !SameName("cafe\u0301", "CAF\u00c9") || SameName("cafe", "café") {
		t.Fatal("SameName")
	}
	ps := []Profile{{Name: "b"}, {Name: "\u00e9"}, {Name: "A"}, {Name: "e\u0301a"}, {Name: "a"}}
	SortByName(ps)
	if got := fmt.Sprint(names(ps)); got != "[A a b \u00e9 e\u0301a]" {
		t.Fatalf("sorted %s", got)
	}
}

// A credential in a URL's query (internal/redact's list of secret field names) is
// refused: the profile file is plain text and travels in exports. The message names the
// field, never the value.
func TestCredentialsInQueriesRefused(t *testing.T) {
	const value = "s3cr3t-VALUE-9f"
	for _, tc := range []struct {
		field string
		set   func(*Profile)
	}{
		{"instance_url", func(p *Profile) { p.InstanceURL = "https://acme.my.erp.net/?client_secret=" + value }},
		{"token_endpoint", func(p *Profile) { p.TokenEndpoint = "https://acme.my.erp.net/id/connect/token?client_secret=" + value }},
		{"odata_root", func(p *Profile) { p.ODataRoot = "https://acme.my.erp.net/api/domain/odata/?access_token=" + value }},
		{"calls[0].path", func(p *Profile) {
			p.Calls = []APICall{{Method: "GET", Path: "/api/domain/odata/X?$top=1&Access_Token=" + value}}
		}},
	} {
		p := validProfile()
		tc.set(&p)
		var found *Problem
		for _, pr := range Validate(p, nil) {
			pr := pr
			if pr.Field == tc.field && pr.Severity == SeverityError && strings.Contains(pr.Message, "in its query, a credential") {
				found = &pr
			}
			if strings.Contains(pr.Message, value) {
				t.Errorf("%s: a message shows the credential: %s", tc.field, pr.Message)
			}
		}
		if found == nil {
			t.Errorf("%s: no error for a credential in the query: %v", tc.field, Validate(p, nil))
		}
	}
	// An unparsable path is echoed with its credentials redacted.
	err := CallPathError("%zz?client_secret=" + value)
	if err == nil || strings.Contains(err.Error(), value) {
		t.Errorf("unparsable path: %v", err)
	}
	// Other query parameters stay allowed.
	if err := CallPathError("/api/domain/odata/X?$top=5&$filter=Name eq 'token'"); err != nil && !strings.Contains(err.Error(), "space") {
		t.Errorf("ordinary query refused: %v", err)
	}
}
