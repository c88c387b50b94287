package check

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"trustedapp-tester/internal/redact"
	"trustedapp-tester/profiles"
)

// wire is the network side of the credential gate: the base transport under the chain.
// It records every request that reached it, with the Seq of the gate's passage (0: it
// did not pass the gate), and answers 200 with an empty JSON object; or, when next is
// set, hands the request on (a real server).
type wire struct {
	next http.RoundTripper
	mu   sync.Mutex
	got  []wired
}

type wired struct {
	method, url, auth, body string
	seq                     int64
}

func (w *wire) RoundTrip(req *http.Request) (*http.Response, error) {
	var body string
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		req.Body.Close()
		body = string(b)
		req.Body = io.NopCloser(strings.NewReader(body))
	}
	w.mu.Lock()
	w.got = append(w.got, wired{req.Method, req.URL.String(), req.Header.Get("Authorization"), body, passedSeq(req)})
	w.mu.Unlock()
	if w.next != nil {
		return w.next.RoundTrip(req)
	}
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader("{}")), Request: req}, nil
}

func (w *wire) requests() []wired {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]wired(nil), w.got...)
}

// passages records what the gate saw (Options.Watch).
type passages struct {
	mu   sync.Mutex
	list []Passage
}

func (ps *passages) watch(p Passage) {
	ps.mu.Lock()
	ps.list = append(ps.list, p)
	ps.mu.Unlock()
}

func (ps *passages) all() []Passage {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return append([]Passage(nil), ps.list...)
}

// gateRun is a run of p whose client is built as Run builds it, over w.
func gateRun(t *testing.T, p profiles.Profile, secret string, w *wire, ps *passages) *run {
	t.Helper()
	r := &run{ctx: context.Background(), p: p, secret: secret, opts: Options{Transport: w, Watch: ps.watch, Timeout: 5 * time.Second},
		known: redact.NewSecrets(), raw: &rawCredentials{}, now: time.Now}
	r.raw.add(secret)
	hc, closeIdle, err := r.configure()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeIdle)
	r.hc = hc
	return r
}

// The gate's decisions, one request each through the real chain: what passes reaches
// the wire marked with its passage; what is refused never does, and its finding names
// the host refused and the hosts named.
func TestGateDecides(t *testing.T) {
	const secret = "s3cret-of-the-gate"
	base := profiles.Profile{Name: "Acme", InstanceURL: "https://acme.my.erp.net", ClientID: "com.acme/app"}
	other := base
	other.Name, other.ODataRoot = "Other", "https://odata.elsewhere.example/api/domain/odata/"
	issuedElsewhere := NewAccessToken("eyJ.other.token").issuedTo(other, other.ODataRootURL(), "")
	issuedHere := NewAccessToken("eyJ.own.token").issuedTo(base, base.ODataRootURL(), "")
	form := "application/x-www-form-urlencoded"
	for _, tc := range []struct {
		name    string
		edit    func(p *profiles.Profile)
		c       carry
		method  string
		url     string
		hdr     http.Header
		body    string
		want    string   // "" passes; else the refusal's code
		mention []string // in the finding's message
	}{
		{"anonymous probe", nil, anonymous, "GET", "https://acme.my.erp.net/tools/ver", nil, "", "", nil},
		{"anonymous probe anywhere (JWKS)", nil, anonymous, "GET", "https://keys.elsewhere.example/jwks", nil, "", "", nil},
		{"secret to the authority (post)", nil, carry{what: CarriesSecret}, "POST", "https://acme.my.erp.net/id/connect/token",
			http.Header{"Content-Type": {form}}, "grant_type=client_credentials&client_id=x&client_secret=" + secret, "", nil},
		{"secret to the authority (basic)", nil, carry{what: CarriesSecret}, "POST", "https://acme.my.erp.net/id/connect/token",
			http.Header{"Authorization": {"Basic eDpz"}, "Content-Type": {form}}, "grant_type=client_credentials", "", nil},
		{"secret to another host", nil, carry{what: CarriesSecret}, "POST", "https://collector.evil.example/connect/token",
			http.Header{"Content-Type": {form}}, "client_secret=" + secret, GateSecretForeignHost, []string{"https://collector.evil.example", "https://acme.my.erp.net"}},
		{"secret to another port", nil, carry{what: CarriesSecret}, "POST", "https://acme.my.erp.net:8443/id/connect/token",
			http.Header{"Content-Type": {form}}, "client_secret=" + secret, GateSecretForeignHost, []string{"https://acme.my.erp.net:8443", "(https://acme.my.erp.net)"}},
		{"secret over plain http to the same host", nil, carry{what: CarriesSecret}, "POST", "http://acme.my.erp.net/id/connect/token",
			http.Header{"Content-Type": {form}}, "client_secret=" + secret, GateSecretForeignHost, []string{"http://acme.my.erp.net"}},
		{"secret to a look-alike host", nil, carry{what: CarriesSecret}, "POST", "https://аcme.my.erp.net/id/connect/token",
			http.Header{"Content-Type": {form}}, "client_secret=" + secret, GateSecretForeignHost, []string{"xn--cme-5cd.my.erp.net", "аcme.my.erp.net"}},
		{"secret to a trailing-dot host", nil, carry{what: CarriesSecret}, "POST", "https://acme.my.erp.net./id/connect/token",
			http.Header{"Content-Type": {form}}, "client_secret=" + secret, GateSecretForeignHost, nil},
		{"secret to the token endpoint the user set", func(p *profiles.Profile) { p.TokenEndpoint = "https://login.acme.example/token" },
			carry{what: CarriesSecret}, "POST", "https://login.acme.example/token", http.Header{"Content-Type": {form}}, "client_secret=" + secret, "", nil},
		{"secret stored for another host", func(p *profiles.Profile) {
			p.SecretSetAt, p.SecretFor = time.Now(), []string{"https://old.my.erp.net"}
		}, carry{what: CarriesSecret}, "POST", "https://acme.my.erp.net/id/connect/token", http.Header{"Content-Type": {form}}, "client_secret=" + secret,
			GateSecretMoved, []string{"https://old.my.erp.net", "https://acme.my.erp.net"}},
		{"token to the instance", nil, carry{what: CarriesToken, token: issuedHere}, "GET", "https://acme.my.erp.net/api/domain/currentmodel",
			http.Header{"Authorization": {"Bearer eyJ.own.token"}}, "", "", nil},
		{"token to another host", nil, carry{what: CarriesToken}, "GET", "https://api.elsewhere.example/api/domain/odata/$metadata",
			http.Header{"Authorization": {"Bearer eyJ.t"}}, "", GateTokenForeignHost, []string{"https://api.elsewhere.example", "https://acme.my.erp.net"}},
		{"token over plain http to the instance's host", nil, carry{what: CarriesToken}, "GET", "http://acme.my.erp.net/api/domain/odata/$metadata",
			http.Header{"Authorization": {"Bearer eyJ.t"}}, "", GateTokenForeignHost, []string{"http://acme.my.erp.net"}},
		{"token to a confirmed host", func(p *profiles.Profile) { p.ConfirmedHosts = []string{"https://tableapi.acme.example"} },
			carry{what: CarriesToken}, "GET", "https://tableapi.acme.example/tableapi/odata/Gen_Documents", http.Header{"Authorization": {"Bearer eyJ.t"}}, "", "", nil},
		{"token to the OData root the user set", func(p *profiles.Profile) { p.ODataRoot = "https://odata.acme.example/odata/" },
			carry{what: CarriesToken}, "GET", "https://odata.acme.example/odata/Crm_Sales_Customers", http.Header{"Authorization": {"Bearer eyJ.t"}}, "", "", nil},
		{"another profile's token with these settings", nil, carry{what: CarriesToken, token: issuedElsewhere}, "GET", "https://acme.my.erp.net/api/domain/currentmodel",
			http.Header{"Authorization": {"Bearer eyJ.other.token"}}, "", GateOtherSettings, []string{`"Other"`, `"Acme"`}},
		{"password to the instance", nil, carry{what: CarriesPassword}, "GET", "https://acme.my.erp.net/tableapi/odata/Gen_Documents",
			http.Header{"Authorization": {"Basic dTpw"}}, "", "", nil},
		{"password elsewhere", nil, carry{what: CarriesPassword}, "GET", "https://bi.elsewhere.example/tableapi/odata/Gen_Documents",
			http.Header{"Authorization": {"Basic dTpw"}}, "", GateTokenForeignHost, nil},
		{"undeclared Authorization header", nil, anonymous, "GET", "https://acme.my.erp.net/tools/ver",
			http.Header{"Authorization": {"Bearer eyJ.t"}}, "", GateUndeclared, []string{"a Bearer Authorization header"}},
		{"the secret in a URL (a /tools/sha256 helper)", nil, anonymous, "GET", "https://acme.my.erp.net/tools/sha256?secret=" + secret, nil, "",
			GateUndeclared, []string{"in the URL"}},
		{"the secret in a URL even to the authority", nil, carry{what: CarriesSecret}, "GET", "https://acme.my.erp.net/id/connect/token?client_secret=" + secret, nil, "",
			GateUndeclared, nil},
		{"the secret in an undeclared body", nil, anonymous, "POST", "https://acme.my.erp.net/api/domain/odata/X",
			http.Header{"Content-Type": {"application/json"}}, `{"note":"` + secret + `"}`, GateUndeclared, []string{"in the body"}},
		{"a Basic header where a token is declared", nil, carry{what: CarriesToken}, "GET", "https://acme.my.erp.net/api/domain/currentmodel",
			http.Header{"Authorization": {"Basic dTpw"}}, "", GateUndeclared, nil},
		{"user and password in the URL", nil, carry{what: CarriesToken}, "GET", "https://u:p@acme.my.erp.net/api/domain/currentmodel",
			http.Header{"Authorization": {"Bearer eyJ.t"}}, "", "", nil},
		{"user and password in an anonymous URL", nil, anonymous, "GET", "https://u:p@acme.my.erp.net/tools/ver", nil, "", GateUndeclared, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := base
			if tc.edit != nil {
				tc.edit(&p)
			}
			w, ps := &wire{}, &passages{}
			r := gateRun(t, p, secret, w, ps)
			col := &collector{}
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			_, _, err := r.do(col, tc.c, tc.method, tc.url, body, tc.hdr)
			got := ps.all()
			if len(got) != 1 {
				t.Fatalf("the gate saw %d requests, want 1", len(got))
			}
			reached := w.requests()
			if tc.want == "" {
				if err != nil || got[0].Refused != nil || len(reached) != 1 || reached[0].seq != got[0].Seq {
					t.Fatalf("refused or not marked: err %v, passage %+v, wire %+v", err, got[0], reached)
				}
				return
			}
			if len(reached) != 0 {
				t.Fatalf("a refused request reached the wire: %+v", reached)
			}
			re, ok := refusal(err)
			if !ok || re.Code != tc.want || got[0].Refused == nil {
				t.Fatalf("err %v, want a refusal %s", err, tc.want)
			}
			f := classifyNetErr(r.ctx, err, tc.url, time.Second)
			if f.Code != tc.want || f.Severity != SevFail {
				t.Errorf("finding %s %s", f.Code, f.Severity)
			}
			for _, m := range tc.mention {
				if !strings.Contains(f.Message, m) {
					t.Errorf("the finding does not say %q: %s", m, f.Message)
				}
			}
			if strings.Contains(f.Message, secret) || strings.Contains(re.Error(), secret) || strings.Contains(col.list()[0].Error, secret) {
				t.Errorf("the refusal shows the secret: %s", f.Message)
			}
			if x := col.list(); len(x) != 1 || !strings.Contains(x[0].Error, "refused by the credential gate") || x[0].Status != 0 {
				t.Errorf("the exchange does not record the refusal: %+v", x)
			}
		})
	}
}
