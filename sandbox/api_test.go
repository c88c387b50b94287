package sandbox

import (
	"encoding/base64"
	"net/url"
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
			var tok string
			var auth []string
			switch sc.Kind {
			case KindReferenceToken:
				tok = sc.ClientSecret // the token itself
			case KindBasic:
				auth = []string{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte(sc.User+":"+sc.ClientSecret))}
				if len(sc.Calls) == 0 { // what Power BI's OData feed asks the Table API
					calls = []Call{{Method: "GET", Path: "/tableapi/odata/"}, {Method: "GET", Path: "/tableapi/odata/$metadata"}, {Method: "GET", Path: "/tableapi/odata/Gen_Documents?$top=5"}}
				}
			default:
				tok = tokenFor(t, sc)
			}
			var results []apiResult
			for _, c := range calls {
				results = append(results, call(t, c.Method, sc.Instance+c.Path, tok, c.Body, auth...))
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
			case "reftoken.expired":
				if results[0].status != 401 || !strings.Contains(results[0].header.Get("WWW-Authenticate"), "expired") {
					t.Errorf("%d %s", results[0].status, results[0].header.Get("WWW-Authenticate"))
				}
			case "basic.refused":
				if _, msg := results[0].odataError(); results[0].status != 401 || results[0].header.Get("WWW-Authenticate") != `Basic realm="ERP.net"` || !strings.HasPrefix(msg, "Authentication failed for user '"+sc.User+"'.") {
					t.Errorf("%d %s", results[0].status, results[0].body)
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
		"slow-identity", "basic-auth", "reference-token", "reference-token-pat", "reference-token-expired", "basic", "basic-user-not-allowed"} {
		if !names[n] {
			t.Errorf("scenario %q missing", n)
		}
	}
	if s.Scenarios()[0].Name != "healthy" {
		t.Error("scenario order is not stable")
	}
}

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
		{"Basic for an unknown user", "", []string{"Authorization", "Basic dTpw"}, 401, `Basic realm="ERP.net"`},
		{"another scheme", "", []string{"Authorization", "Digest dTpw"}, 401, "Bearer"},
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
