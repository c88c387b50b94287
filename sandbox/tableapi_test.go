package sandbox

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestTableAPIServesTables(t *testing.T) {
	s := start(t, Config{})
	tok := tokenFor(t, scenario(t, s, "healthy"))
	root := s.URL() + "/tableapi/odata/"

	// $top=2 pages through all 12 documents with opaque nextLinks on the Table API root.
	next := root + "Gen_Documents?$top=5&$select=Document_No,State"
	seen := map[string]bool{}
	var pages []int
	for next != "" && len(pages) < 10 {
		r := call(t, "GET", next, tok, "")
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
			t.Fatalf("%s: %d %s", next, r.status, r.body)
		}
		m := r.json(t)
		if ctx := m["@odata.context"]; ctx != root+"$metadata#Gen_Documents(Document_No,State)" {
			t.Errorf("context %v", ctx)
		}
		rows := m["value"].([]any)
		pages = append(pages, len(rows))
		for _, x := range rows {
			rw := x.(map[string]any)
			if len(rw) != 3 || rw["Document_No"] == nil || rw["State"] == nil {
				t.Errorf("$select not applied: %v", rw)
			}
			id := rw["@odata.id"].(string)
			if !strings.HasPrefix(id, "Gen_Documents(") || seen[id] {
				t.Errorf("@odata.id %s (seen before: %v)", id, seen[id])
			}
			seen[id] = true
		}
		next, _ = m["@odata.nextLink"].(string)
		if next != "" && (!strings.HasPrefix(next, root+"Gen_Documents?") || !strings.Contains(next, "$skiptoken=")) {
			t.Errorf("nextLink %s", next)
		}
	}
	if len(seen) != 12 || strconvInts(pages) != "5 5 2" {
		t.Errorf("pages %v, %d rows", pages, len(seen))
	}

	// The other table: its key is Sales_Order_Id; rows point at their documents.
	m := call(t, "GET", root+"Crm_Sales_Orders?$top=1", tok, "").json(t)
	first := m["value"].([]any)[0].(map[string]any)
	if first["@odata.id"] != "Crm_Sales_Orders("+salesOrderID(0)+")" || first["Document_Id"] != documentID(0) || first["Customer_Id"] != CustomerID(0) {
		t.Errorf("first sales order %v", first)
	}
	// $filter on a column.
	v := call(t, "GET", root+"Gen_Documents?$filter="+url.QueryEscape("Entity_Name eq 'Inv_Transactions'"), tok, "").json(t)["value"].([]any)
	if len(v) != 4 {
		t.Errorf("Inv_Transactions documents: %d, want 4", len(v))
	}
	for _, x := range v {
		if x.(map[string]any)["Entity_Name"] != "Inv_Transactions" {
			t.Errorf("filter let through %v", x)
		}
	}

	// Service document and $metadata list only the Table API's tables.
	svc := call(t, "GET", root, tok, "").json(t)
	if svc["@odata.context"] != root+"$metadata" || len(svc["value"].([]any)) != len(tableNames) {
		t.Errorf("service document %v", svc)
	}
	r := call(t, "GET", root+"$metadata", tok, "")
	body := string(r.body)
	if r.status != 200 || !strings.Contains(r.header.Get("Content-Type"), "xml") || !strings.Contains(body, `<EntitySet Name="Gen_Documents"`) ||
		!strings.Contains(body, `<PropertyRef Name="Sales_Order_Id"/>`) || !strings.Contains(body, `Name="Document_Date" Type="Edm.Date"`) || strings.Contains(body, "Crm_Sales_Customers") {
		t.Errorf("Table API $metadata %d %s", r.status, body)
	}
	if body := string(call(t, "GET", s.URL()+"/api/domain/odata/$metadata", tok, "").body); strings.Contains(body, "Gen_Documents") {
		t.Error("the Domain API's $metadata lists a Table API table")
	}
	// The two APIs do not serve each other's sets.
	if r := call(t, "GET", s.URL()+"/api/domain/odata/Gen_Documents", tok, ""); r.status != 404 {
		t.Errorf("Domain API served Gen_Documents: %d", r.status)
	}
	if r := call(t, "GET", root+"Crm_Sales_Customers", tok, ""); r.status != 404 {
		t.Errorf("Table API served Crm_Sales_Customers: %d", r.status)
	}
}

func TestTableAPIErrors(t *testing.T) {
	clock := newClock()
	s := start(t, Config{Now: clock.Now})
	h := scenario(t, s, "healthy")
	tok := tokenFor(t, h)
	foreign := tokenFor(t, scenario(t, s, "foreign-issuer"))
	in := s.main
	signedAud := func(aud ...string) string {
		app, _ := in.app(h.ClientID)
		c := jwtClaims{Nbf: clock.Now().Unix(), Exp: clock.Now().Unix() + 600, Iat: clock.Now().Unix(), Iss: in.issuer,
			Aud: aud, ClientID: h.ClientID, ClientSystemUser: app.SystemUser.Login, Jti: "0123456789ABCDEF0123456789ABCDEF", Scope: []string{"read"}}
		out, err := signJWT(in.key, jwtHeader{Alg: "RS256", Kid: in.kid, Typ: "at+jwt"}, c)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	domainOnly, tableOnly := signedAud("DomainAPI"), signedAud("TableAPI")
	if err := s.AddApp(TrustedApp{ApplicationURI: "com.test/sec-only", ApplicationSecretHash: HashSecret("s"), SystemUserAllowed: true,
		SystemUser: &User{Login: "u", Active: true}, Scope: "sec", IsEnabled: true}); err != nil {
		t.Fatal(err)
	}
	secOnly := tokenFor(t, Scenario{Authority: s.Authority(), ClientID: "com.test/sec-only", ClientSecret: "s"})
	docs := s.URL() + "/tableapi/odata/Gen_Documents?$top=1"
	tests := []struct {
		name, method, url, token string
		wantStatus               int
		wantCode, wantMsg        string
		wantChallenge            string // WWW-Authenticate must contain this ("Bearer" alone: exactly)
	}{
		{"missing token", "GET", docs, "", 401, "Unauthorized", "Authentication is required", "Bearer"},
		{"malformed token", "GET", docs, "not-a-jwt", 401, "Unauthorized", "The token is malformed", `error="invalid_token", error_description="The token is malformed`},
		{"foreign issuer", "GET", docs, foreign, 401, "Unauthorized", "is invalid: this instance only accepts tokens issued by", "The issuer '"},
		{"no TableAPI audience", "GET", docs, domainOnly, 401, "Unauthorized", "The audience 'DomainAPI' is invalid: the Table API needs 'TableAPI'", `error="invalid_token"`},
		{"TableAPI audience alone is enough", "GET", docs, tableOnly, 200, "", "", ""},
		{"TableAPI audience alone is not the Domain API's", "GET", s.URL() + "/api/domain/odata/Crm_Sales_Customers?$top=1", tableOnly, 401, "Unauthorized",
			"The audience 'TableAPI' is invalid: the Domain API needs 'DomainAPI'", `error="invalid_token"`},
		{"no read scope", "GET", docs, secOnly, 403, "Forbidden", "'read' scope required", `error="insufficient_scope", scope="read"`},
		{"write to a read-only API", "POST", s.URL() + "/tableapi/odata/Gen_Documents", tok, 405, "MethodNotAllowed", "The Table API is read-only: it accepts only GET, not POST", ""},
		{"unknown table", "GET", s.URL() + "/tableapi/odata/Gen_Nope", tok, 404, "NotFound", "Resource not found for the segment 'Gen_Nope'. Tables: Gen_Documents, Crm_Sales_Orders.", ""},
		{"outside the OData root", "GET", s.URL() + "/tableapi/other", tok, 404, "NotFound", "the Table API's OData root is " + s.URL() + "/tableapi/odata/", ""},
		{"bad $top", "GET", s.URL() + "/tableapi/odata/Gen_Documents?$top=x", tok, 400, "BadRequest", "Invalid value 'x' for $top", ""},
		{"unsupported option", "GET", s.URL() + "/tableapi/odata/Gen_Documents?$orderby=State", tok, 400, "BadRequest", "$orderby is not supported", ""},
		{"unknown $select", "GET", s.URL() + "/tableapi/odata/Gen_Documents?$select=DocumentNo", tok, 400, "BadRequest", "Could not find a property named 'DocumentNo' on type 'Gen_Document'", ""},
		{"bad $skiptoken", "GET", docs + "&$skiptoken=AAAA", tok, 400, "BadRequest", "$skiptoken is not valid", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := call(t, tc.method, tc.url, tc.token, "")
			if r.status != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s %s", r.status, tc.wantStatus, bearerDesc(r), r.body)
			}
			code, msg := r.odataError()
			if code != tc.wantCode || !strings.Contains(msg, tc.wantMsg) {
				t.Errorf("error %q %q, want %q containing %q", code, msg, tc.wantCode, tc.wantMsg)
			}
			ch := r.header.Get("WWW-Authenticate")
			if tc.wantChallenge == "Bearer" && ch != "Bearer" {
				t.Errorf("WWW-Authenticate %q, want a bare Bearer challenge", ch)
			}
			if !strings.Contains(ch, tc.wantChallenge) {
				t.Errorf("WWW-Authenticate %q, want %q", ch, tc.wantChallenge)
			}
			if tc.wantStatus == 405 && r.header.Get("Allow") != "GET" {
				t.Errorf("Allow %q", r.header.Get("Allow"))
			}
		})
	}

	// Reference tokens work on the Table API too, as Bearer or X-Api-Key.
	ref, err := s.IssueReferenceToken(scenario(t, s, "reference-tokens").ClientID, []string{"read"})
	if err != nil {
		t.Fatal(err)
	}
	if r := call(t, "GET", docs, "", "", "X-Api-Key", ref); r.status != 200 {
		t.Errorf("reference token in X-Api-Key: %d %s", r.status, r.body)
	}
	// An expired token is refused like on the Domain API.
	clock.Add(DefaultTokenLifetime)
	if r := call(t, "GET", docs, tok, ""); r.status != 401 || !strings.Contains(bearerDesc(r), "The token expired at") {
		t.Errorf("expired: %d %q", r.status, bearerDesc(r))
	}
}

func TestTableAPILicences(t *testing.T) {
	s := start(t, Config{LicenseSlots: 1})
	// licence-exhausted (0 slots for the app): the Table API refuses like the Domain API.
	r := call(t, "GET", s.URL()+"/tableapi/odata/Gen_Documents?$top=1", tokenFor(t, scenario(t, s, "licence-exhausted")), "")
	// Licences are the instance's: the answer never speaks of the app's own slots, and
	// carries no invented exception type.
	if code, msg := r.odataError(); r.status != 500 || code != CodeLicenseExhausted || !strings.Contains(msg, "every licence slot of the instance is in use") ||
		strings.Contains(string(r.body), `"type"`) || strings.Contains(msg, "Trusted App's") {
		t.Fatalf("licence-exhausted on the Table API: %d %s", r.status, r.body)
	}
	// One instance slot: token A's Table API call opens the session, so B cannot get
	// one on the Domain API, while A can (one session per token across both APIs).
	h := scenario(t, s, "healthy")
	a, b := tokenFor(t, h), tokenFor(t, h)
	if r := call(t, "GET", s.URL()+"/tableapi/odata/Gen_Documents?$top=1", a, ""); r.status != 200 {
		t.Fatalf("A on the Table API: %d %s", r.status, r.body)
	}
	if r := call(t, "GET", s.URL()+"/api/domain/odata/Crm_Sales_Customers?$top=1", b, ""); r.status != 500 || !strings.Contains(string(r.body), CodeLicenseExhausted) {
		t.Errorf("B on the Domain API while A holds the slot: %d %s", r.status, r.body)
	}
	if r := call(t, "GET", s.URL()+"/api/domain/odata/Crm_Sales_Customers?$top=1", a, ""); r.status != 200 {
		t.Errorf("A on the Domain API (same session): %d %s", r.status, r.body)
	}
	if r := call(t, "GET", s.URL()+"/tableapi/odata/Crm_Sales_Orders?$top=1", b, ""); r.status != 500 {
		t.Errorf("B on the Table API while A holds the slot: %d %s", r.status, r.body)
	}
}

// TestTableAPIGlobalConcurrency holds two Table API requests inside the server with a
// hook, so the next five deterministically wait in the documented queue and the eighth
// finds running requests and queue full: 429. Released, all seven complete.
func TestTableAPIGlobalConcurrency(t *testing.T) {
	s := start(t, Config{})
	h := scenario(t, s, "healthy")
	entered, release := make(chan string, 16), make(chan struct{})
	s.main.mu.Lock()
	s.main.tableHold = func(r *http.Request) {
		entered <- r.URL.Query().Get("$top")
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}
	s.main.mu.Unlock()
	queued := func() (active, queued int) {
		s.main.mu.Lock()
		defer s.main.mu.Unlock()
		return len(s.main.table.run), s.main.table.waiting
	}
	// Seven different sessions: the limit is global, not per session.
	held := make(chan apiResult, 7)
	send := func(top string) {
		tok := tokenFor(t, h)
		go func() {
			req, _ := http.NewRequest("GET", s.URL()+"/tableapi/odata/Gen_Documents?$top="+top, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				held <- apiResult{status: -1, body: []byte(err.Error())}
				return
			}
			resp.Body.Close()
			held <- apiResult{status: resp.StatusCode}
		}()
	}
	send("1")
	send("2")
	<-entered
	<-entered
	for i := range TableAPIQueue {
		send(fmt.Sprint(10 + i))
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		a, q := queued()
		if a == 2 && q == 7 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the queue never filled: %d running, %d running or queued", a, q)
		}
		time.Sleep(5 * time.Millisecond)
	}
	select {
	case top := <-entered:
		t.Fatalf("a queued request ($top=%s) ran while two held the slots", top)
	default:
	}
	third := tokenFor(t, h)
	r := call(t, "GET", s.URL()+"/tableapi/odata/Crm_Sales_Orders?$top=3", third, "")
	code, msg := r.odataError()
	if r.status != 429 || code != "TooManyRequests" || r.header.Get("Retry-After") != "1" ||
		!strings.Contains(msg, "at most 2 requests at once on this instance (GlobalConcurrentRequests 2) and queues 5 more; 7 are running or queued") {
		t.Errorf("eighth concurrent request: %d Retry-After %q %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	// The Domain API is not affected by the Table API's limit.
	if r := call(t, "GET", s.URL()+"/api/domain/odata/Crm_Sales_Customers?$top=1", third, ""); r.status != 200 {
		t.Errorf("Domain API while the Table API is full: %d %s", r.status, r.body)
	}
	close(release)
	for range 7 {
		if r := <-held; r.status != 200 {
			t.Errorf("held or queued request: %d %s", r.status, r.body)
		}
	}
	for range TableAPIQueue { // the queued ones ran once the slots were free
		<-entered
	}
	// Slots are free again: the eighth one goes through now.
	if r := call(t, "GET", s.URL()+"/tableapi/odata/Crm_Sales_Orders?$top=3", third, ""); r.status != 200 {
		t.Errorf("after release: %d %s", r.status, r.body)
	}
	if got := <-entered; got != "3" {
		t.Errorf("hook saw $top=%s", got)
	}
	// A handler releases its slot as it returns, which can be just after the client
	// read the answer.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		a, q := queued()
		if a == 0 && q == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d Table API slots still taken, %d queued", a, q)
		}
	}
}

// A queued request whose client gives up leaves the queue: its place is free again.
func TestTableAPIQueuedClientGoesAway(t *testing.T) {
	s := start(t, Config{})
	h := scenario(t, s, "healthy")
	release := make(chan struct{})
	s.main.mu.Lock()
	s.main.tableHold = func(r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}
	s.main.mu.Unlock()
	var holders sync.WaitGroup
	defer holders.Wait()
	defer close(release)
	for range TableAPIConcurrentRequests {
		req, _ := http.NewRequest("GET", s.URL()+"/tableapi/odata/Gen_Documents?$top=1", nil)
		req.Header.Set("Authorization", "Bearer "+tokenFor(t, h))
		holders.Add(1)
		go func() {
			defer holders.Done()
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
	}
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL()+"/tableapi/odata/Gen_Documents?$top=2", nil)
	req.Header.Set("Authorization", "Bearer "+tokenFor(t, h))
	done := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	waitQueued := func(want int) {
		deadline := time.Now().Add(10 * time.Second)
		for {
			s.main.mu.Lock()
			q := s.main.table.waiting
			s.main.mu.Unlock()
			if q == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("queued %d, want %d", q, want)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitQueued(3)
	cancel()
	if err := <-done; err == nil {
		t.Error("the cancelled request got an answer")
	}
	waitQueued(2)
}

// The Domain API's per-session SessionRpm does not apply to the Table API, whose only
// documented limit is GlobalConcurrentRequests.
func TestTableAPINoSessionRPM(t *testing.T) {
	s := start(t, Config{})
	tok := tokenFor(t, scenario(t, s, "rate-limited")) // SessionRPM 2
	for i := range 4 {
		if r := call(t, "GET", s.URL()+"/tableapi/odata/Gen_Documents?$top=1", tok, ""); r.status != 200 {
			t.Fatalf("Table API call %d: %d %s", i+1, r.status, r.body)
		}
	}
}

func TestAutoDiscoveryListsTableAPI(t *testing.T) {
	s := start(t, Config{})
	tok := tokenFor(t, scenario(t, s, "healthy"))
	for _, p := range []string{"/tools/auto-discovery", "/sys/auto-discovery"} {
		var site map[string]any
		for _, x := range call(t, "GET", s.URL()+p, "", "").json(t)["WebSites"].([]any) {
			if ws := x.(map[string]any); ws["Type"] == "TableAPI" {
				site = ws
			}
		}
		if site == nil {
			t.Fatalf("%s: no TableAPI site", p)
		}
		for _, k := range []string{"Type", "Status", "StatusDescription", "Url", "System", "AdditionalProperties"} {
			if _, ok := site[k]; !ok {
				t.Errorf("%s: TableAPI site lacks %s: %v", p, k, site)
			}
		}
		if site["Status"] != "Working" || site["Url"] != s.URL() || site["System"] != false ||
			site["AdditionalProperties"].(map[string]any)["ODataServiceRoot"] != nil {
			t.Errorf("%s: TableAPI site %v", p, site)
		}
		// The documented recipe {site}/tableapi/odata/{Table} works with the listed Url.
		if r := call(t, "GET", site["Url"].(string)+"/tableapi/odata/Gen_Documents?$top=1", tok, ""); r.status != 200 {
			t.Errorf("%s: following the TableAPI Url: %d", p, r.status)
		}
	}
	r := call(t, "GET", s.URL()+"/", "", "")
	if !strings.Contains(string(r.body), "Table API  "+s.URL()+"/tableapi/odata/  (Gen_Documents, Crm_Sales_Orders; GET only, 2 concurrent requests and a queue of 5)") {
		t.Errorf("banner:\n%s", r.body)
	}
}
