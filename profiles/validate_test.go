package profiles

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

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
