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
	"strings"
	"testing"
	"time"
)

// The instance's own endpoints (version, model, auto-discovery, OpenID
// configuration), TLS, the request log and the validation of added Trusted Apps.

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
			// The Profile site, whose /me names the user a PAT acts as.
			"UserProfile": {s.URL() + "/profile", false, nil},
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
	cc := 0
	for _, sc := range s.Scenarios() {
		if sc.Kind == KindClientCredentials {
			cc++
		}
	}
	// foreign-issuer lives on the other instance; the reference tokens and Basic add
	// the personal-tokens app and DomainApiBasicAuthentication.
	if len(apps) != cc-1+2 {
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
	if err := json.Unmarshal(r.body, &compact); r.status != 200 || err != nil || len(compact) != len(setNames) {
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
	if err := json.Unmarshal(r.body, &detailed); err != nil || len(detailed) != len(setNames) || detailed[0]["Attributes"] == nil {
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
