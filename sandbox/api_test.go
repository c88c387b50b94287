package sandbox

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

var defaultCalls = []Call{
	{Method: "GET", Path: "/api/domain/currentmodel"},
	{Method: "GET", Path: "/api/domain/odata/$metadata"},
	{Method: "GET", Path: "/api/domain/odata/Crm_Sales_Customers?$top=5"},
}

// TestScenarioOutcomes drives every built-in scenario the way a profile would (token
// with its values, then its calls or the default ones) and asserts its Expect.
func TestScenarioOutcomes(t *testing.T) {
	s := start(t, Config{})
	names := map[string]bool{}
	for _, sc := range s.Scenarios() {
		names[sc.Name] = true
		t.Run(sc.Name, func(t *testing.T) {
			if sc.Instance != s.URL() || sc.ClientID == "" || sc.ClientSecret == "" || sc.Description == "" {
				t.Fatalf("incomplete scenario %+v", sc)
			}
			if sc.Name == "slow-identity" {
				t.Skip("covered by TestSlowIdentityHonoursCancel (8 s delay)")
			}
			calls := sc.Calls
			if len(calls) == 0 {
				calls = defaultCalls
			}
			kind, code, _ := strings.Cut(sc.Expect, ".")
			if kind == "token" && code != "scope_narrowed" && code != "lifetime_unusual" {
				r := postToken(t, sc.Authority, scenarioForm(sc), nil)
				if r.status != 400 || r.str("error") != code {
					t.Fatalf("want %s, got %d %s", code, r.status, r.raw)
				}
				return
			}
			tok := tokenFor(t, sc)
			var results []apiResult
			for _, c := range calls {
				results = append(results, call(t, c.Method, sc.Instance+c.Path, tok, c.Body))
			}
			last := results[len(results)-1]
			switch sc.Expect {
			case "api.ok":
				for i, r := range results {
					if r.status/100 != 2 {
						t.Errorf("call %d %s: %d %s", i, calls[i].Path, r.status, r.body)
					}
				}
			case "token.scope_narrowed":
				_, c := decodeJWT(t, tok)
				if len(c["scope"].([]any)) >= len(strings.Fields(sc.Scope)) {
					t.Errorf("granted %v for requested %q", c["scope"], sc.Scope)
				}
			case "token.lifetime_unusual":
				_, c := decodeJWT(t, tok)
				if d := c["exp"].(float64) - c["iat"].(float64); d != 30 {
					t.Errorf("lifetime %v s", d)
				}
			case "api.forbidden_scope":
				if results[0].status != 200 || last.status != 403 {
					t.Errorf("statuses %d, %d; want 200 then 403", results[0].status, last.status)
				}
			case "api.license_exhausted":
				if code, _ := results[0].odataError(); results[0].status != 500 || code != CodeLicenseExhausted {
					t.Errorf("%d %s", results[0].status, results[0].body)
				}
			case "api.rate_limited":
				if last.status != 429 || last.header.Get("Retry-After") == "" {
					t.Errorf("last call %d Retry-After %q", last.status, last.header.Get("Retry-After"))
				}
			case "api.foreign_issuer":
				if results[0].status != 401 || !strings.Contains(results[0].header.Get("WWW-Authenticate"), "issuer") {
					t.Errorf("%d %s", results[0].status, results[0].header.Get("WWW-Authenticate"))
				}
			default:
				t.Fatalf("no assertion for Expect %q: add one", sc.Expect)
			}
		})
	}
	for _, n := range []string{"healthy", "scope-not-allowed", "user-scopes", "read-only-write", "disabled", "public-client",
		"rotated-secret", "system-user-not-allowed", "no-system-user", "short-lived", "licence-exhausted", "rate-limited",
		"slow-identity", "basic-auth"} {
		if !names[n] {
			t.Errorf("scenario %q missing", n)
		}
	}
	if s.Scenarios()[0].Name != "healthy" {
		t.Error("scenario order is not stable")
	}
}

func bearerDesc(r apiResult) string { return r.header.Get("WWW-Authenticate") }

func TestBearerValidation(t *testing.T) {
	clock := newClock()
	s := start(t, Config{Now: clock.Now})
	other := start(t, Config{Now: clock.Now})
	h := scenario(t, s, "healthy")
	tok := tokenFor(t, h)
	foreignTok := tokenFor(t, scenario(t, other, "healthy"))
	u := s.URL() + "/api/domain/odata/Crm_Sales_Customers?$top=1"
	in := s.main
	signed := func(mut func(*jwtClaims, *jwtHeader)) string {
		app, _ := in.app(h.ClientID)
		c := jwtClaims{Nbf: clock.Now().Unix(), Exp: clock.Now().Unix() + 600, Iat: clock.Now().Unix(), Iss: in.issuer,
			Aud: []string{"DomainAPI"}, ClientID: h.ClientID, ClientSystemUser: app.SystemUser.Login, Jti: "0123456789ABCDEF0123456789ABCDEF", Scope: []string{"read"}}
		hd := jwtHeader{Alg: "RS256", Kid: in.kid, Typ: "at+jwt"}
		mut(&c, &hd)
		out, err := signJWT(in.key, hd, c)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	stringAud, err := signJWT(in.key, jwtHeader{Alg: "RS256", Kid: in.kid, Typ: "at+jwt"}, map[string]any{
		"iss": in.issuer, "aud": "DomainAPI", "exp": clock.Now().Unix() + 60, "client_id": h.ClientID, "jti": "AB", "scope": "read"})
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok, ".")
	tampered := parts[0] + "." + b64url([]byte(`{"iss":"`+s.Authority()+`","exp":99999999999,"aud":["DomainAPI"],"scope":["read","update"]}`)) + "." + parts[2]
	tests := []struct {
		name, token string
		headers     []string
		wantStatus  int
		wantHeader  string
	}{
		{"valid", tok, nil, 200, ""},
		{"missing token", "", nil, 401, "Bearer"},
		{"malformed", "not-a-jwt", nil, 401, `error="invalid_token", error_description="The token is malformed`},
		{"foreign issuer", foreignTok, nil, 401, "The issuer '" + other.Authority() + "' is invalid"},
		{"tampered payload", tampered, nil, 401, "The signature is invalid"},
		{"unknown kid", signed(func(c *jwtClaims, h *jwtHeader) { h.Kid = "FFFF" }), nil, 401, "The signature key was not found"},
		{"alg none", signed(func(c *jwtClaims, h *jwtHeader) { h.Alg = "none" }), nil, 401, "algorithm"},
		{"wrong audience", signed(func(c *jwtClaims, h *jwtHeader) { c.Aud = []string{"OLAP"} }), nil, 401, "The audience 'OLAP' is invalid"},
		{"audience as a single string accepted", stringAud, nil, 200, ""},
		{"not yet valid", signed(func(c *jwtClaims, h *jwtHeader) { c.Nbf += 120 }), nil, 401, "is not valid before"},
		{"no exp", signed(func(c *jwtClaims, h *jwtHeader) { c.Exp = 0 }), nil, 401, "no expiration time"},
		{"Basic scheme", "", []string{"Authorization", "Basic dTpw"}, 401, "Bearer"},
		{"JWT in X-Api-Key", "", []string{"X-Api-Key", tok}, 401, "accepts only reference tokens"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := call(t, "GET", u, tc.token, "", tc.headers...)
			if r.status != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s %s", r.status, tc.wantStatus, bearerDesc(r), r.body)
			}
			if tc.wantHeader == "Bearer" && bearerDesc(r) != "Bearer" {
				t.Errorf("WWW-Authenticate %q, want a bare Bearer challenge", bearerDesc(r))
			}
			if !strings.Contains(bearerDesc(r), tc.wantHeader) {
				t.Errorf("WWW-Authenticate %q, want %q", bearerDesc(r), tc.wantHeader)
			}
		})
	}
	// Expiry by the clock: valid at 3599 s, refused at 3600 s.
	clock.Add(3599 * time.Second)
	if r := call(t, "GET", u, tok, ""); r.status != 200 {
		t.Fatalf("at 3599 s: %d %s", r.status, bearerDesc(r))
	}
	clock.Add(time.Second)
	r := call(t, "GET", u, tok, "")
	if r.status != 401 || !strings.Contains(bearerDesc(r), `error="invalid_token", error_description="The token expired at`) {
		t.Fatalf("expired: %d %q", r.status, bearerDesc(r))
	}
}

func TestAPIStatuses(t *testing.T) {
	s := start(t, Config{})
	root := s.URL() + "/api/domain/odata/"
	rw := tokenFor(t, scenario(t, s, "healthy"))
	ro := tokenFor(t, scenario(t, s, "read-only-write"))
	if err := s.AddApp(TrustedApp{ApplicationURI: "com.test/sec-only", ApplicationSecretHash: HashSecret("s"), SystemUserAllowed: true,
		SystemUser: &User{Login: "u", Active: true}, Scope: "sec", IsEnabled: true}); err != nil {
		t.Fatal(err)
	}
	secOnly := tokenFor(t, Scenario{Authority: s.Authority(), ClientID: "com.test/sec-only", ClientSecret: "s"})
	cust := root + "Crm_Sales_Customers(" + CustomerID(1) + ")"
	tests := []struct {
		name, method, url, token, body string
		wantStatus                     int
		wantCode, wantMsg              string
	}{
		{"read with read", "GET", cust, ro, "", 200, "", ""},
		{"PATCH without update", "PATCH", cust, ro, `{"DefaultPaymentTermDays":30}`, 403, "Forbidden", "'update' scope required for PATCH"},
		{"POST without update", "POST", root + "Crm_Sales_Customers", ro, `{"Number":"C1"}`, 403, "Forbidden", "POST"},
		{"PUT without update", "PUT", cust, ro, `{"DefaultPaymentTermDays":30}`, 403, "Forbidden", "PUT"},
		{"DELETE without update", "DELETE", cust, ro, "", 403, "Forbidden", "DELETE"},
		{"GET without read", "GET", cust, secOnly, "", 403, "Forbidden", "'read' scope"},
		{"PATCH unknown field", "PATCH", cust, rw, `{"Colour":"red"}`, 500, "2029", "Property 'Colour' does not exist"},
		{"PATCH read-only field", "PATCH", cust, rw, `{"CreationTime":"2020-01-01T00:00:00Z"}`, 500, "2029", "read-only"},
		{"PATCH calculated field", "PATCH", cust, rw, `{"DisplayText":"x"}`, 500, "2029", "read-only"},
		{"PATCH wrong type", "PATCH", cust, rw, `{"GracePeriodDays":"lots"}`, 500, "2029", "Edm.Int32"},
		{"PATCH amount as number", "PATCH", cust, rw, `{"CreditLimit":1234.5}`, 500, "2029", `an Amount: {"Value": 12.5, "Currency": "EUR"}`},
		{"PATCH amount lower-case currency", "PATCH", cust, rw, `{"CreditLimit":{"Value":1,"Currency":"eur"}}`, 500, "2029", "an Amount"},
		{"PATCH business rule", "PATCH", cust, rw, `{"GracePeriodDays":-3}`, 500, "2030", "must not be negative"},
		{"PATCH required emptied", "PATCH", cust, rw, `{"Active":null}`, 500, "2030", "Active is required"},
		{"PATCH too long", "PATCH", cust, rw, `{"Number":"C0123456789012345"}`, 500, "2030", "Number is longer than 16 characters"},
		{"PATCH a reference", "PATCH", cust, rw, `{"Party@odata.bind":"General_Contacts_Parties(` + CustomerID(3) + `)"}`, 500, "2031", "does not change the reference Party"},
		{"PATCH not JSON", "PATCH", cust, rw, `{`, 400, "BadRequest", "one JSON object"},
		{"PATCH ok", "PATCH", cust, rw, `{"DefaultPaymentTermDays":60,"CreditLimit":{"Value":1234.5,"Currency":"EUR"}}`, 204, "", ""},
		{"POST required missing", "POST", root + "General_Products_Products", rw, `{"PartNumber":"P-9998"}`, 500, "2030", "Name is required"},
		{"POST name as text", "POST", root + "General_Products_Products", rw, `{"PartNumber":"P-9998","Name":"Tape"}`, 500, "2029", "MultilanguageString"},
		{"POST ok", "POST", root + "General_Products_Products", rw, `{"PartNumber":"P-9999","Name":{"en":"Tape","de":"Klebeband"}}`, 201, "", ""},
		{"Trusted App enum", "PATCH", root + "Systems_Security_TrustedApplications(" + s.main.appIDs["com.sandbox/healthy"] + ")", rw, `{"ClientType":"Secret"}`, 500, "2030", "'Secret' is not an allowed value of ClientType: use Confidential, Public, None"},
		{"Trusted App read-only", "PATCH", root + "Systems_Security_TrustedApplications(" + s.main.appIDs["com.sandbox/healthy"] + ")", rw, `{"CreationTimeUtc":"2020-01-01T00:00:00Z"}`, 500, "2029", "read-only"},
		{"Trusted App System User", "PATCH", root + "Systems_Security_TrustedApplications(" + s.main.appIDs["com.sandbox/healthy"] + ")", rw, `{"SystemUser@odata.bind":"Systems_Security_Users(` + CustomerID(0) + `)"}`, 500, "2031", "SystemUser"},
		{"Trusted App duplicate URI", "PATCH", root + "Systems_Security_TrustedApplications(" + s.main.appIDs["com.sandbox/healthy"] + ")", rw, `{"ApplicationUri":"com.sandbox/disabled"}`, 500, "2030", "must be unique"},
		{"unknown entity set", "GET", root + "Crm_Nope", rw, "", 404, "NotFound", "Resource not found for the segment 'Crm_Nope'"},
		{"unknown id", "GET", root + "Crm_Sales_Customers(00000000-0000-4000-a000-000000000000)", rw, "", 404, "NotFound", "No Crm_Sales_Customers entity"},
		{"bad key", "GET", root + "Crm_Sales_Customers(42)", rw, "", 400, "BadRequest", "not a valid Edm.Guid"},
		{"bad $top", "GET", root + "Crm_Sales_Customers?$top=-1", rw, "", 400, "BadRequest", "$top"},
		{"unsupported option", "GET", root + "Crm_Sales_Customers?$apply=groupby((Number))", rw, "", 400, "BadRequest", "$apply is not supported"},
		{"unknown navigation", "GET", root + "Crm_Sales_Customers?$expand=Owner", rw, "", 400, "BadRequest", "Could not find a navigation property named 'Owner' on type 'Crm_Sales_Customer' ($expand)"},
		{"expand option", "GET", root + "Systems_Security_TrustedApplications?$expand=SystemUser($top=1)", rw, "", 400, "BadRequest", "only $select inside $expand"},
		{"expand select", "GET", root + "Systems_Security_TrustedApplications?$expand=SystemUser($select=Password)", rw, "", 400, "BadRequest", "Could not find a property named 'Password' on type 'Systems_Security_User'"},
		{"expand unclosed", "GET", root + "Systems_Security_TrustedApplications?$expand=SystemUser($select=Login", rw, "", 400, "BadRequest", "unclosed"},
		{"unknown $select", "GET", root + "Crm_Sales_Customers?$select=Colour", rw, "", 400, "BadRequest", "Could not find a property named 'Colour'"},
		{"unsupported $filter", "GET", root + "Crm_Sales_Customers?$filter=" + url.QueryEscape("Number has 'A'"), rw, "", 400, "BadRequest", "expected an operator after 'Number' (eq, ne, gt, ge, lt, le or in), got 'has'"},
		{"not filterable", "GET", root + "Crm_Sales_Customers?$filter=" + url.QueryEscape("GracePeriodDays gt 5"), rw, "", 400, "BadRequest", "the model marks Crm.Sales.Customers.GracePeriodDays NotFilterable"},
		{"bad $skiptoken", "GET", root + "Crm_Sales_Customers?$top=2&$skiptoken=AAAA", rw, "", 400, "BadRequest", "$skiptoken"},
		{"method on collection", "DELETE", root + "Crm_Sales_Customers", rw, "", 405, "MethodNotAllowed", ""},
		{"unknown API path", "GET", s.URL() + "/api/nothing", rw, "", 404, "NotFound", "OData root"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := call(t, tc.method, tc.url, tc.token, tc.body)
			if r.status != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s", r.status, tc.wantStatus, r.body)
			}
			code, msg := r.odataError()
			if code != tc.wantCode || !strings.Contains(msg, tc.wantMsg) {
				t.Errorf("error %q %q, want %q containing %q", code, msg, tc.wantCode, tc.wantMsg)
			}
			if tc.wantStatus == 403 && !strings.Contains(r.header.Get("WWW-Authenticate"), `error="insufficient_scope"`) {
				t.Errorf("403 WWW-Authenticate %q", r.header.Get("WWW-Authenticate"))
			}
			if tc.wantStatus == 500 && !strings.Contains(string(r.body), `"type":"Aloe.EnterpriseOne`) {
				t.Errorf("business error without type: %s", r.body)
			}
		})
	}
	// The PATCH stuck, the POST created, DELETE removes.
	m := call(t, "GET", cust, rw, "").json(t)
	if lim, _ := m["CreditLimit"].(map[string]any); m["DefaultPaymentTermDays"] != 60.0 || lim["Value"] != 1234.5 || lim["Currency"] != "EUR" || m["UpdateTime"] == nil {
		t.Errorf("after PATCH: %v", m)
	}
	if r := call(t, "DELETE", cust, rw, ""); r.status != 204 {
		t.Fatalf("DELETE %d", r.status)
	}
	if r := call(t, "GET", cust, rw, ""); r.status != 404 {
		t.Errorf("after DELETE: %d", r.status)
	}
	v := call(t, "GET", root+"General_Products_Products?$filter="+url.QueryEscape("PartNumber eq 'P-9999'"), rw, "").json(t)["value"].([]any)
	if len(v) != 1 {
		t.Fatalf("created product via $filter: %v", v)
	}
	// The model's defaults filled what the POST left out.
	p := v[0].(map[string]any)
	if name, _ := p["Name"].(map[string]any); name["de"] != "Klebeband" || p["Active"] != true || p["IsFeatured"] != false ||
		p["StandardPricePerLot"].(map[string]any)["Value"] != 0.0 || p["DisplayText"] != "Tape" || p["CreationTime"] == nil {
		t.Errorf("created product: %v", p)
	}
}

func TestPaging(t *testing.T) {
	s := start(t, Config{})
	tok := tokenFor(t, scenario(t, s, "healthy"))
	next := s.URL() + "/api/domain/odata/Crm_Sales_Customers?$top=5&$select=Number,DisplayText"
	seen := map[string]bool{}
	pages := []int{}
	for next != "" && len(pages) < 10 {
		r := call(t, "GET", next, tok, "")
		if r.status != 200 {
			t.Fatalf("%s: %d %s", next, r.status, r.body)
		}
		m := r.json(t)
		if ctx := m["@odata.context"].(string); ctx != s.URL()+"/api/domain/odata/$metadata#Crm_Sales_Customers(Number,DisplayText)" {
			t.Errorf("context %s", ctx)
		}
		rows := m["value"].([]any)
		pages = append(pages, len(rows))
		for _, rw := range rows {
			row := rw.(map[string]any)
			if len(row) != 3 || row["Number"] == nil || row["DisplayText"] == nil {
				t.Errorf("$select not applied: %v", row)
			}
			id := row["@odata.id"].(string)
			if seen[id] {
				t.Errorf("row %s twice", id)
			}
			seen[id] = true
		}
		next, _ = m["@odata.nextLink"].(string)
		if next != "" && !strings.Contains(next, "$skiptoken=") {
			t.Errorf("nextLink %s", next)
		}
	}
	if len(seen) != 12 || strconvInts(pages) != "5 5 2" {
		t.Errorf("pages %v, %d rows", pages, len(seen))
	}
	// No $top: everything, no nextLink.
	m := call(t, "GET", s.URL()+"/api/domain/odata/General_Products_Products", tok, "").json(t)
	if len(m["value"].([]any)) != 12 || m["@odata.nextLink"] != nil {
		t.Errorf("without $top: %d rows, nextLink %v", len(m["value"].([]any)), m["@odata.nextLink"])
	}
	// A skiptoken from another instance is refused (opaque, signed per instance).
	other := start(t, Config{})
	otok := tokenFor(t, scenario(t, other, "healthy"))
	link := call(t, "GET", other.URL()+"/api/domain/odata/Crm_Sales_Customers?$top=5", otok, "").json(t)["@odata.nextLink"].(string)
	if r := call(t, "GET", strings.Replace(link, other.URL(), s.URL(), 1), tok, ""); r.status != 400 {
		t.Errorf("foreign skiptoken: %d", r.status)
	}
}

func strconvInts(a []int) string {
	var s []string
	for _, n := range a {
		s = append(s, strconv.Itoa(n))
	}
	return strings.Join(s, " ")
}

func TestInstanceEndpoints(t *testing.T) {
	s := start(t, Config{Version: "27.0.1.5", Database: "DB One"})
	get := func(path, token string) apiResult { return call(t, "GET", s.URL()+path, token, "") }
	if r := get("/tools/ver", ""); r.status != 200 || string(r.body) != "27.0.1.5" || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
		t.Errorf("/tools/ver %d %q", r.status, r.body)
	}
	if m := get("/tools/server-info", "").json(t); m["version"] != "27.0.1.5" {
		t.Errorf("server-info %v", m)
	}
	for _, p := range []string{"/tools/auto-discovery", "/sys/auto-discovery"} {
		m := get(p, "").json(t)
		if m["DbName"] != "DB One" || m["Host"] != "127.0.0.1" {
			t.Errorf("%s: %v", p, m)
		}
		// The documented shape: Url {root}/api for the Domain API with its
		// ODataServiceRoot {root}/api/domain/odata/ (only DomainAPI has one), and System
		// true only for system sites (the Identity site).
		want := map[string]struct {
			url    string
			system bool
			root   any
		}{
			"ID":        {s.Authority(), true, nil},
			"DomainAPI": {s.URL() + "/api", false, s.URL() + "/api/domain/odata/"},
			"TableAPI":  {s.URL(), false, nil},
		}
		sites := m["WebSites"].([]any)
		if len(sites) != len(want) {
			t.Errorf("%s: %d sites: %v", p, len(sites), sites)
		}
		for _, site := range sites {
			ws := site.(map[string]any)
			w, ok := want[ws["Type"].(string)]
			if !ok {
				t.Errorf("%s: unexpected site %v", p, ws)
				continue
			}
			props := ws["AdditionalProperties"].(map[string]any)
			if ws["Url"] != w.url || ws["System"] != w.system || props["ODataServiceRoot"] != w.root || ws["Status"] != "Working" {
				t.Errorf("%s: %s site %v", p, ws["Type"], ws)
			}
		}
	}
	info := get("/tools/server-info", "").json(t)
	if dl, _ := info["downloads"].(map[string]any); len(dl) != 5 || info["internalApi"] == nil || len(info) != 3 {
		t.Errorf("server-info is not in the documented shape: %v", info)
	}
	if m := call(t, "GET", s.URL()+"/tools/sha256?secret=DEMO", "", "").json(t); m["sha256"] != HashSecret("DEMO") {
		t.Errorf("sha256 %v", m)
	}
	d := get("/id/.well-known/openid-configuration", "").json(t)
	if d["issuer"] != s.Authority() || d["token_endpoint"] != s.Authority()+"/connect/token" ||
		d["jwks_uri"] != s.Authority()+"/.well-known/openid-configuration/jwks" || !strings.Contains(strings.Join(toStrings(d["grant_types_supported"]), " "), "client_credentials") {
		t.Errorf("discovery %v", d)
	}
	for _, p := range []string{"/api/domain/currentmodel", "/api/domain/currentmodel/Crm_Sales_Customers", "/api/domain/odata/$metadata", "/api/domain/odata/"} {
		if r := get(p, ""); r.status != 401 {
			t.Errorf("%s without token: %d", p, r.status)
		}
	}
	tok := tokenFor(t, scenario(t, s, "healthy"))
	checkModelEndpoints(t, s, "", "/api/domain/standardmodel") // anonymous
	checkModelEndpoints(t, s, tok, "/api/domain/currentmodel")
	r := get("/api/domain/odata/$metadata", tok)
	if r.status != 200 || !strings.Contains(string(r.body), `<EntitySet Name="Systems_Security_TrustedApplications"`) || !strings.Contains(r.header.Get("Content-Type"), "xml") {
		t.Errorf("$metadata %d %s", r.status, r.body)
	}
	apps := get("/api/domain/odata/Systems_Security_TrustedApplications", tok).json(t)["value"].([]any)
	if len(apps) != len(s.Scenarios())-1 { // foreign-issuer lives on the other instance
		t.Errorf("%d Trusted Apps listed", len(apps))
	}
	// ApplicationSecretHash is served as the data model describes it (string(250),
	// nullable): the hash, never the secret.
	listing := string(get("/api/domain/odata/Systems_Security_TrustedApplications", tok).body)
	for _, sc := range s.Scenarios() {
		if strings.Contains(listing, `"`+sc.ClientSecret+`"`) {
			t.Errorf("the Trusted Apps listing holds the secret of %s", sc.Name)
		}
	}
	hashes := map[string]any{}
	for _, a := range apps {
		m := a.(map[string]any)
		hashes[m["ApplicationUri"].(string)] = m["ApplicationSecretHash"]
	}
	if h := scenario(t, s, "healthy"); hashes[h.ClientID] != HashSecret(h.ClientSecret) {
		t.Errorf("healthy's ApplicationSecretHash = %v, want %s", hashes[h.ClientID], HashSecret(h.ClientSecret))
	}
	if h := scenario(t, s, "secret-newline"); hashes[h.ClientID] != HashSecret(h.ClientSecret+"\n") {
		t.Errorf("secret-newline's ApplicationSecretHash = %v, want the hash of the secret plus a newline", hashes[h.ClientID])
	}
	if h := scenario(t, s, "secret-hex"); len(fmt.Sprint(hashes[h.ClientID])) != 64 || hashes[h.ClientID] == nil {
		t.Errorf("secret-hex's ApplicationSecretHash = %v, want 64 hex digits", hashes[h.ClientID])
	}
	// SystemUser is a navigation property: sent only with $expand, as OData does.
	if strings.Contains(string(get("/api/domain/odata/Systems_Security_TrustedApplications", tok).body), `"SystemUser"`) {
		t.Error("SystemUser is sent without $expand")
	}
	if !strings.Contains(string(r.body), `<NavigationProperty Name="SystemUser" Type="Erp.Systems_Security_User"/>`) || !strings.Contains(string(r.body), `<EntityType Name="Systems_Security_User">`) {
		t.Errorf("$metadata lacks the SystemUser navigation: %s", r.body)
	}
	byURI := map[string]any{}
	for _, a := range get("/api/domain/odata/Systems_Security_TrustedApplications?$expand=SystemUser($select=Login)", tok).json(t)["value"].([]any) {
		m := a.(map[string]any)
		byURI[m["ApplicationUri"].(string)] = m["SystemUser"]
	}
	if u, _ := byURI["com.sandbox/healthy"].(map[string]any); u == nil || u["Login"] != "svc-import" || len(u) != 2 || !strings.HasPrefix(u["@odata.id"].(string), "Systems_Security_Users(") {
		t.Errorf("expanded SystemUser of healthy = %v", byURI["com.sandbox/healthy"])
	}
	if u, ok := byURI["com.sandbox/no-system-user"]; !ok || u != nil {
		t.Errorf("expanded SystemUser of no-system-user = %v (present %v), want null", u, ok)
	}
	full := get("/api/domain/odata/Systems_Security_TrustedApplications?$filter="+url.QueryEscape("ApplicationUri eq 'com.sandbox/inactive-system-user'")+"&$expand=SystemUser", tok).json(t)["value"].([]any)
	if u := full[0].(map[string]any)["SystemUser"].(map[string]any); u["Login"] != "svc-retired" || u["Active"] != false || u["UserType"] == nil {
		t.Errorf("fully expanded SystemUser = %v", u)
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func TestReferenceTokens(t *testing.T) {
	s := start(t, Config{})
	sc := scenario(t, s, "reference-tokens")
	ref, err := s.IssueReferenceToken(sc.ClientID, []string{"read"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ref) != 69 || !strings.HasPrefix(ref, "enrt_") || !refTokenRE(ref) {
		t.Fatalf("reference token shape %q...", ref[:8])
	}
	u := s.URL() + "/api/domain/odata/Crm_Sales_Customers?$top=1"
	tests := []struct {
		name    string
		token   string
		headers []string
		want    int
		wantMsg string
	}{
		{"Bearer", ref, nil, 200, ""},
		{"X-Api-Key", "", []string{"X-Api-Key", ref}, 200, ""},
		{"X-API-KEY", "", []string{"X-API-KEY", ref}, 200, ""},
		{"Api-Key", "", []string{"Api-Key", ref}, 200, ""},
		{"Bearer and X-Api-Key", ref, []string{"X-Api-Key", ref}, 400, "never both"},
		{"two key headers", "", []string{"Api-Key", ref, "X-Api-Key", ref}, 400, "never both"},
		{"unknown", "enrt_" + strings.Repeat("ab", 32), nil, 401, "unknown or has been revoked"},
		{"malformed", "enrt_xyz", nil, 401, "64 hex"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := call(t, "GET", u, tc.token, "", tc.headers...)
			if r.status != tc.want {
				t.Fatalf("%d %s", r.status, r.body)
			}
			if _, msg := r.odataError(); !strings.Contains(msg+r.header.Get("WWW-Authenticate"), tc.wantMsg) {
				t.Errorf("message %q, want %q", msg, tc.wantMsg)
			}
		})
	}
	// Scope still applies: a read-only reference token cannot PATCH.
	if r := call(t, "PATCH", s.URL()+"/api/domain/odata/Crm_Sales_Customers("+CustomerID(2)+")", ref, `{"DefaultPaymentTermDays":30}`); r.status != 403 {
		t.Errorf("PATCH with read reference token: %d", r.status)
	}
	for _, tc := range []struct {
		client string
		scopes []string
		want   string
	}{
		{"com.sandbox/healthy", nil, "does not allow reference tokens"},
		{"com.nobody/x", nil, "no Trusted App"},
		{sc.ClientID, []string{"update"}, "not in Trusted App"},
	} {
		if _, err := s.IssueReferenceToken(tc.client, tc.scopes); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("IssueReferenceToken(%s, %v) = %v, want %q", tc.client, tc.scopes, err, tc.want)
		}
	}
}

func TestSessionsAndLicences(t *testing.T) {
	clock := newClock()
	s := start(t, Config{Now: clock.Now, LicenseSlots: 1, TokenLifetime: 3 * time.Hour})
	h := scenario(t, s, "healthy")
	a, b := tokenFor(t, h), tokenFor(t, h)
	u := s.URL() + "/api/domain/odata/Crm_Sales_Customers?$top=1"
	if r := call(t, "GET", u, a, ""); r.status != 200 {
		t.Fatalf("A: %d", r.status)
	}
	r := call(t, "GET", u, b, "")
	if code, msg := r.odataError(); r.status != 500 || code != CodeLicenseExhausted || !strings.Contains(msg, "all 1 of this instance's licence slots") {
		t.Fatalf("B while A holds the slot: %d %s", r.status, r.body)
	}
	// Getting a token uses no licence; B can still get one.
	tokenFor(t, h)
	// Sliding idle: A keeps its session alive every 19 minutes...
	for i := 0; i < 3; i++ {
		clock.Add(19 * time.Minute)
		if r := call(t, "GET", u, a, ""); r.status != 200 {
			t.Fatalf("A after %d x 19 min: %d", i+1, r.status)
		}
		if r := call(t, "GET", u, b, ""); r.status != 500 {
			t.Fatalf("B got a slot while A is active: %d", r.status)
		}
	}
	// ...but the session ends 1 h after it started (57 min now, +4 = 61), so B gets the slot.
	clock.Add(4 * time.Minute)
	if r := call(t, "GET", u, b, ""); r.status != 200 {
		t.Fatalf("B after A's absolute hour: %d %s", r.status, r.body)
	}
	if r := call(t, "GET", u, a, ""); r.status != 500 {
		t.Fatalf("A should need a new session now: %d", r.status)
	}
	// 20 minutes idle frees B's slot.
	clock.Add(20 * time.Minute)
	if r := call(t, "GET", u, a, ""); r.status != 200 {
		t.Fatalf("A after B idled 20 min: %d", r.status)
	}
	// Per-app cap from the record.
	if err := s.AddApp(TrustedApp{ApplicationURI: "com.test/capped", ApplicationSecretHash: HashSecret("s"), SystemUserAllowed: true,
		SystemUser: &User{Login: "u", Active: true}, Scope: "read", IsEnabled: true, LicenseSlots: intPtr(0)}); err != nil {
		t.Fatal(err)
	}
	c := tokenFor(t, Scenario{Authority: s.Authority(), ClientID: "com.test/capped", ClientSecret: "s"})
	if r := call(t, "GET", u, c, ""); !strings.Contains(string(r.body), "this Trusted App's licence slots") {
		t.Errorf("per-app cap: %d %s", r.status, r.body)
	}
}

// TestLicenceExhaustedAs503 drives the configurable answer: 503 with Retry-After set
// to the seconds until the session holding the only slot frees it (20 minutes after
// its last call here), and the same OData error body as the default 500.
func TestLicenceExhaustedAs503(t *testing.T) {
	clock := newClock()
	s := start(t, Config{Now: clock.Now, LicenseSlots: 1, LicenseExhaustedStatus: 503})
	h := scenario(t, s, "healthy")
	a, b := tokenFor(t, h), tokenFor(t, h)
	u := s.URL() + "/api/domain/odata/Crm_Sales_Customers?$top=1"
	if r := call(t, "GET", u, a, ""); r.status != 200 {
		t.Fatalf("A: %d", r.status)
	}
	clock.Add(5 * time.Minute)
	r := call(t, "GET", u, b, "")
	if code, _ := r.odataError(); r.status != 503 || code != CodeLicenseExhausted || r.header.Get("Retry-After") != "900" {
		t.Fatalf("B: %d Retry-After %q %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	if _, err := Start(Config{LicenseExhaustedStatus: 429}); err == nil || !strings.Contains(err.Error(), "use 500 or 503") {
		t.Errorf("unsupported status: %v", err)
	}
}

// TestSignInScopes: by default openid/profile/offline_access are dropped from a
// client-credentials grant; with SignInScopes "refuse" the request is refused with
// invalid_scope naming the first one. The docs only say such tokens never carry them.
func TestSignInScopes(t *testing.T) {
	for _, tc := range []struct {
		mode, wantErr, wantScope string
	}{
		{"", "", "read"},
		{SignInScopesDrop, "", "read"},
		{SignInScopesRefuse, "invalid_scope", ""},
	} {
		s := start(t, Config{SignInScopes: tc.mode})
		sc := scenario(t, s, "user-scopes") // requests "read openid offline_access"
		r := postToken(t, sc.Authority, scenarioForm(sc), nil)
		if r.str("error") != tc.wantErr || r.str("scope") != tc.wantScope {
			t.Errorf("SignInScopes %q: %d %s", tc.mode, r.status, r.raw)
		}
		if tc.wantErr != "" && r.str("error_description") != "Invalid scope: openid" {
			t.Errorf("SignInScopes %q: description %q", tc.mode, r.str("error_description"))
		}
	}
	if _, err := Start(Config{SignInScopes: "ignore"}); err == nil || !strings.Contains(err.Error(), `use "drop" or "refuse"`) {
		t.Errorf("unsupported mode: %v", err)
	}
}

func TestRateLimits(t *testing.T) {
	clock := newClock()
	s := start(t, Config{Now: clock.Now})
	sc := scenario(t, s, "rate-limited")
	tok := tokenFor(t, sc)
	u := s.URL() + "/api/domain/odata/Crm_Sales_Customers?$top=1"
	call(t, "GET", u, tok, "")
	clock.Add(20 * time.Second)
	call(t, "GET", u, tok, "")
	r := call(t, "GET", u, tok, "")
	if code, msg := r.odataError(); r.status != 429 || code != "TooManyRequests" || !strings.Contains(msg, "2 requests per minute") {
		t.Fatalf("3rd call: %d %s", r.status, r.body)
	}
	if ra := r.header.Get("Retry-After"); ra != "40" {
		t.Errorf("Retry-After %q, want 40 (the oldest request leaves the window in 40 s)", ra)
	}
	clock.Add(40 * time.Second)
	if r := call(t, "GET", u, tok, ""); r.status != 200 {
		t.Errorf("after Retry-After: %d", r.status)
	}
	// A fresh token is a new session with its own budget.
	if r := call(t, "GET", u, tokenFor(t, sc), ""); r.status != 200 {
		t.Errorf("new session: %d", r.status)
	}
	// Concurrency: one running + five queued; the seventh gets 429.
	h := tokenFor(t, scenario(t, s, "healthy"))
	call(t, "GET", u, h, "")
	s.main.mu.Lock()
	for _, ses := range s.main.sessions {
		if ses.clientID == "com.sandbox/healthy" {
			ses.waiting = SessionConcurrentRequests + SessionQueue
		}
	}
	s.main.mu.Unlock()
	if r := call(t, "GET", u, h, ""); r.status != 429 || r.header.Get("Retry-After") != "1" || !strings.Contains(string(r.body), "running or queued") {
		t.Errorf("queue full: %d %s", r.status, r.body)
	}
}

func TestTLS(t *testing.T) {
	s := start(t, Config{TLS: true})
	if !strings.HasPrefix(s.URL(), "https://127.0.0.1:") || s.CAFile() == "" {
		t.Fatalf("URL %s CA %q", s.URL(), s.CAFile())
	}
	pemBytes, err := os.ReadFile(s.CAFile())
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatal("CA file is not PEM")
	}
	trusted := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := trusted.Get(s.Authority() + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatalf("with the CA: %v", err)
	}
	resp.Body.Close()
	sc := scenario(t, s, "healthy")
	if sc.Authority != s.Authority() || !strings.HasPrefix(scenario(t, s, "foreign-issuer").Authority, "https://") {
		t.Errorf("scenario authorities not https")
	}
	_, err = (&http.Client{Transport: &http.Transport{}}).Get(s.URL() + "/tools/ver")
	var ua x509.UnknownAuthorityError
	if err == nil || !errors.As(err, &ua) {
		t.Errorf("without the CA: %v, want an unknown-authority error", err)
	}
	ca := s.CAFile()
	s.Close()
	if _, err := os.Stat(ca); !os.IsNotExist(err) {
		t.Errorf("CA file left after Close: %v", err)
	}
}

func TestRequestLogHasNoSecrets(t *testing.T) {
	logs := &syncBuffer{}
	s := start(t, Config{Logger: newLogger(logs)})
	h := scenario(t, s, "healthy")
	tok := tokenFor(t, h)
	call(t, "GET", s.URL()+"/api/domain/odata/Crm_Sales_Customers?$top=1", tok, "")
	postToken(t, h.Authority, url.Values{"grant_type": {"client_credentials"}, "client_id": {h.ClientID}, "client_secret": {"wrong-secret-xyz"}}, nil)
	b := scenario(t, s, "basic-auth")
	tokenFor(t, b)
	call(t, "GET", s.URL()+"/tools/sha256?secret=query-secret-abc", "", "")
	out := logs.String()
	for _, want := range []string{
		"main POST /id/connect/token 200 client_id=com.sandbox/healthy",
		"main GET /api/domain/odata/Crm_Sales_Customers 200 client_id=com.sandbox/healthy",
		"400 client_id=com.sandbox/healthy error=invalid_client reason=wrong_secret",
		"auth=basic",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{h.ClientSecret, "wrong-secret-xyz", b.ClientSecret, "query-secret-abc", tok, strings.Split(tok, ".")[2]} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains a secret or token: %.12s...", secret)
		}
	}
}

func TestAddAppValidation(t *testing.T) {
	s := start(t, Config{NoScenarios: true})
	if len(s.Scenarios()) != 0 {
		t.Fatal("NoScenarios still has scenarios")
	}
	good := TrustedApp{ApplicationURI: "com.test/a", ApplicationSecretHash: HashSecret("x"), IsEnabled: true}
	if err := s.AddApp(good); err != nil {
		t.Fatal(err)
	}
	mod := func(f func(*TrustedApp)) TrustedApp { a := good; a.ApplicationURI = "com.test/b"; f(&a); return a }
	tests := []struct {
		name string
		app  TrustedApp
		want string
	}{
		{"duplicate", good, "already registered"},
		{"no uri", mod(func(a *TrustedApp) { a.ApplicationURI = "" }), "ApplicationURI is required"},
		{"space in uri", mod(func(a *TrustedApp) { a.ApplicationURI = "com test" }), "without spaces"},
		{"client type", mod(func(a *TrustedApp) { a.ClientType = "Secret" }), "ClientType \"Secret\""},
		{"hash not base64", mod(func(a *TrustedApp) { a.ApplicationSecretHash = "plain-secret" }), "ApplicationSecretHash must be base64(SHA-256(secret))"},
		{"reference tokens", mod(func(a *TrustedApp) { a.ReferenceTokens = "All" }), "ReferenceTokens"},
		{"user without login", mod(func(a *TrustedApp) { a.SystemUser = &User{Type: "InternalUser"} }), "SystemUser.Login is required"},
		{"user type", mod(func(a *TrustedApp) { a.SystemUser = &User{Login: "x", Type: "Robot"} }), "SystemUser.Type \"Robot\""},
		{"user id", mod(func(a *TrustedApp) { a.SystemUser = &User{Login: "x", ID: "42"} }), "SystemUser.ID \"42\" is not a GUID"},
		{"lifetime", mod(func(a *TrustedApp) { a.TokenLifetime = time.Millisecond }), "TokenLifetime"},
		{"delay", mod(func(a *TrustedApp) { a.TokenDelay = -time.Second }), "TokenDelay"},
		{"slots", mod(func(a *TrustedApp) { a.LicenseSlots = intPtr(-1) }), "LicenseSlots"},
		{"rpm", mod(func(a *TrustedApp) { a.SessionRPM = -1 }), "SessionRPM"},
	}
	for _, tc := range tests {
		if err := s.AddApp(tc.app); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	// Start fails cleanly on a bad Config.Apps entry and on a taken address.
	if _, err := Start(Config{Apps: []TrustedApp{{}}}); err == nil || !strings.Contains(err.Error(), "ApplicationURI is required") {
		t.Errorf("Start with a bad app: %v", err)
	}
	host := strings.TrimPrefix(s.URL(), "http://")
	if _, err := Start(Config{Addr: host}); err == nil || !strings.Contains(err.Error(), "cannot listen on "+host) {
		t.Errorf("Start on a taken address: %v", err)
	}
}

// checkModelEndpoints checks one of the model endpoints in the documented shape: a
// compact array of repositories (null-valued properties omitted), ?details=true with
// the members (nulls kept), one repository by entity set name (always detailed), and
// 404 for an unknown one.
func checkModelEndpoints(t *testing.T, s *Server, tok, base string) {
	t.Helper()
	r := call(t, "GET", s.URL()+base, tok, "")
	var compact []map[string]any
	if err := json.Unmarshal(r.body, &compact); r.status != 200 || err != nil || len(compact) != 3 {
		t.Fatalf("%s: %d %v %s", base, r.status, err, r.body)
	}
	for _, repo := range compact {
		if repo["Name"] == nil || repo["RepositoryName"] == nil || repo["ObjectType"] == nil || repo["Attributes"] != nil {
			t.Errorf("%s compact repository: %v", base, repo)
		}
		if _, has := repo["AggregateParent"]; has {
			t.Errorf("%s: compact mode keeps a null AggregateParent: %v", base, repo)
		}
	}
	r = call(t, "GET", s.URL()+base+"?details=true", tok, "")
	var detailed []map[string]any
	if err := json.Unmarshal(r.body, &detailed); err != nil || len(detailed) != 3 || detailed[0]["Attributes"] == nil {
		t.Fatalf("%s?details=true: %v %s", base, err, r.body)
	}
	if v, has := detailed[0]["AggregateParent"]; !has || v != nil {
		t.Errorf("%s?details=true drops the null AggregateParent", base)
	}
	one := call(t, "GET", s.URL()+base+"/Crm_Sales_Customers", tok, "").json(t)
	if one["RepositoryName"] != "Crm.Sales.Customers" || one["TableName"] != "Crm_Customers" {
		t.Fatalf("%s/Crm_Sales_Customers: %v", base, one)
	}
	attrs := map[string]map[string]any{}
	for _, a := range one["Attributes"].([]any) {
		m := a.(map[string]any)
		attrs[m["Name"].(string)] = m
	}
	// The model's facts: Number is filterable with eq and like, CreditLimit not at all,
	// DisplayText is calculated, CreationTime read-only.
	if bi := attrs["Number"]["BaseInfo"].(map[string]any); bi["SupportedFilters"] != "Equals, Like" || bi["MaxLength"] != 16.0 {
		t.Errorf("Number: %v", attrs["Number"])
	}
	if attrs["CreditLimit"]["Type"] != "Erp.Amount" || attrs["CreditLimit"]["BaseInfo"].(map[string]any)["SupportedFilters"] != "NotFilterable" {
		t.Errorf("CreditLimit: %v", attrs["CreditLimit"])
	}
	if attrs["DisplayText"]["IsCalculatedDataAttribute"] != true || attrs["CreationTime"]["ReadOnly"] != true {
		t.Errorf("DisplayText %v CreationTime %v", attrs["DisplayText"], attrs["CreationTime"])
	}
	if refs := one["References"].([]any); len(refs) != 1 || refs[0].(map[string]any)["ReferencedEntitySet"] != "General_Contacts_Parties" {
		t.Errorf("References: %v", one["References"])
	}
	apps := call(t, "GET", s.URL()+base+"/Systems_Security_TrustedApplications", tok, "").json(t)
	for _, a := range apps["Attributes"].([]any) {
		if m := a.(map[string]any); m["Name"] == "ClientType" && len(m["enumValues"].([]any)) != 3 {
			t.Errorf("ClientType enum values: %v", m)
		}
	}
	if r := call(t, "GET", s.URL()+base+"/Crm_Nope", tok, ""); r.status != 404 || !strings.Contains(string(r.body), "Crm.Nope") {
		t.Errorf("%s/Crm_Nope: %d %s", base, r.status, r.body)
	}
	if r := call(t, "GET", s.URL()+base+"?details=maybe", tok, ""); r.status != 400 {
		t.Errorf("%s?details=maybe: %d", base, r.status)
	}
}

// TestTrustedAppsAreWritable: the model gives Systems_Security_TrustedApplications
// API access ReadWrite, so a token with update changes the record the identity server
// uses: disabling the app makes its next token request fail; a POSTed app with the
// model's defaults gets tokens once it has a secret hash and a System User is assigned
// (which the API cannot do: the config file does).
func TestTrustedAppsAreWritable(t *testing.T) {
	s := start(t, Config{})
	root := s.URL() + "/api/domain/odata/Systems_Security_TrustedApplications"
	admin := tokenFor(t, scenario(t, s, "healthy"))
	ro := tokenFor(t, scenario(t, s, "read-only-write"))
	target := scenario(t, s, "basic-auth")
	rec := root + "(" + s.main.appIDs[target.ClientID] + ")"
	if r := call(t, "PATCH", rec, ro, `{"IsEnabled":false}`); r.status != 403 {
		t.Fatalf("PATCH without update: %d", r.status)
	}
	if r := call(t, "PATCH", rec, admin, `{"IsEnabled":false,"Notes":"paused by the test"}`); r.status != 204 {
		t.Fatalf("PATCH: %d %s", r.status, r.body)
	}
	tokenError := func(sc Scenario) string {
		f := scenarioForm(sc)
		var basic []string
		if sc.AuthMethod == "basic" {
			f.Del("client_id")
			f.Del("client_secret")
			basic = []string{sc.ClientID, sc.ClientSecret}
		}
		r := postToken(t, sc.Authority, f, basic)
		return r.str("error")
	}
	if e := tokenError(target); e != "invalid_client" {
		t.Errorf("disabled app: token answer %q", e)
	}
	got := call(t, "GET", rec, admin, "").json(t)
	if got["IsEnabled"] != false || got["Notes"] != "paused by the test" || got["ApplicationSecretHash"] != HashSecret(target.ClientSecret) {
		t.Errorf("after PATCH: %v", got)
	}
	if r := call(t, "PATCH", rec, admin, `{"IsEnabled":true,"ApplicationUri":"com.sandbox/basic-auth-renamed"}`); r.status != 204 {
		t.Fatalf("rename: %d %s", r.status, r.body)
	}
	if r := call(t, "GET", root+"?$filter="+url.QueryEscape("ApplicationUri eq 'com.sandbox/basic-auth-renamed'"), admin, "").json(t)["value"].([]any); len(r) != 1 {
		t.Errorf("renamed record by ApplicationUri: %v", r)
	}
	// Filters follow the model: Scope is NotFilterable, ApplicationUri only eq.
	for _, f := range []string{"Scope eq 'read'", "startswith(ApplicationUri,'com.')"} {
		if r := call(t, "GET", root+"?$filter="+url.QueryEscape(f), admin, ""); r.status != 400 {
			t.Errorf("$filter=%s: %d %s", f, r.status, r.body)
		}
	}
	// POST: Name and ApplicationUri are required; the rest take the model's defaults.
	if r := call(t, "POST", root, admin, `{"Name":"New app"}`); r.status != 500 || !strings.Contains(string(r.body), "ApplicationUri is required") {
		t.Errorf("POST without ApplicationUri: %d %s", r.status, r.body)
	}
	r := call(t, "POST", root, admin, `{"Name":"New app","ApplicationUri":"com.test/new","Scope":"read","SystemUserAllowed":true,"ApplicationSecretHash":"`+HashSecret("new-secret")+`"}`)
	if r.status != 201 || r.header.Get("Location") == "" {
		t.Fatalf("POST: %d %s", r.status, r.body)
	}
	created := r.json(t)
	if created["ClientType"] != "Confidential" || created["IsEnabled"] != true || created["ReferenceTokens"] != "None" || created["CreationTimeUtc"] == nil || created["ApplicationSecretHash"] != HashSecret("new-secret") {
		t.Errorf("created with defaults: %v", created)
	}
	newApp := Scenario{Authority: s.Authority(), ClientID: "com.test/new", ClientSecret: "new-secret"}
	if e := tokenError(newApp); e != "unauthorized_client" {
		t.Errorf("new app without a System User: %q", e)
	}
	if r := call(t, "DELETE", r.header.Get("Location"), admin, ""); r.status != 204 {
		t.Errorf("DELETE: %d", r.status)
	}
	if e := tokenError(newApp); e != "invalid_client" {
		t.Errorf("deleted app: %q", e)
	}
}
