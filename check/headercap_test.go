package check

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"trustedapp-tester/profiles"
)

// An answer with 9.6 MB of headers: the headers count against the capture limit with
// the body, so the exchange the engine keeps (and every report made of it) stays
// within the limit, and it says how many headers it left out and how large they were.
// The small headers a user needs (Content-Type) are kept; the body the limit still
// has room for is kept too.
func TestResponseHeadersCountAgainstTheCaptureLimit(t *testing.T) {
	f := newERP(t)
	f.API = func(w http.ResponseWriter, r *http.Request) {
		for i := range 1200 {
			w.Header().Set(fmt.Sprintf("X-Pad-%04d", i), strings.Repeat("p", 8000))
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		w.Write([]byte(`{"value":[]}`))
	}
	p := f.profile()
	p.Calls = []profiles.APICall{profilesCall("GET", "/api/domain/odata/Crm_Sales_Customers", "")}
	p.TimeoutSeconds = 60 // 9.6 MB of headers take seconds under -race on a busy machine
	rep := Run(context.Background(), p, f.Secret, fresh(), nil)
	api := stepOf(rep, StepAPI)
	if api == nil || len(api.Exchanges) == 0 {
		t.Fatalf("no API exchange: %v", codes(rep, ""))
	}
	x := api.Exchanges[0]
	var kept int64
	for name, vs := range x.ResponseHeaders {
		for _, v := range vs {
			kept += int64(len(name) + len(v) + 4)
		}
	}
	if x.HeadersCut == 0 || x.HeaderBytes < 9_600_000 || kept > DefaultBodyCap {
		t.Fatalf("headers cut %d of %d bytes, %d bytes kept", x.HeadersCut, x.HeaderBytes, kept)
	}
	if x.ResponseHeaders.Get("Content-Type") != "application/json" || x.ResponseBody != `{"value":[]}` {
		t.Errorf("the small header or the body was lost: %q %q (%s)", x.ResponseHeaders.Get("Content-Type"), x.ResponseBody, x.Error)
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > int(DefaultBodyCap)+64<<10 {
		t.Fatalf("the report is %d bytes", len(b))
	}
	if !strings.Contains(string(b), `"headers_cut":`) {
		t.Error("the JSON does not name the cut")
	}
}
