package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"trustedapp-tester/internal/hostile"
	"trustedapp-tester/internal/testdir"
)

// A server that answers an API call with 9.6 MB of headers made a 9.7 MB JSON report:
// headers now count against the 1 MiB capture limit, and the JSON and Markdown
// reports say what was cut.
func TestCheckReportOfHugeHeadersStaysSmall(t *testing.T) {
	secret := "s3cret-for-huge-headers"
	in := hostile.New(t, secret)
	in.API = func(w http.ResponseWriter, r *http.Request) {
		for i := range 1200 {
			w.Header().Set(fmt.Sprintf("X-Pad-%04d", i), strings.Repeat("p", 8000))
		}
		hostile.WriteJSON(w, 200, map[string]any{"value": []any{}})
	}
	t.Setenv(SecretEnv, secret)
	dir := testdir.New(t)
	md := filepath.Join(dir, "r.md")
	r := runArgs(t, context.Background(), "", "check", "--json", "--report", md, "--instance", in.URL, "--client-id", hostile.ClientID,
		"--timeout", "60", "--call", "GET /api/domain/odata/Crm_Sales_Customers")
	if r.code == exitUsage || r.code == exitEnvironment {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	t.Logf("JSON report: %d bytes", len(r.stdout))
	if len(r.stdout) > 1<<20+64<<10 || !strings.Contains(r.stdout, `"headers_cut": `) {
		t.Fatalf("the JSON report is %d bytes, or does not name the cut", len(r.stdout))
	}
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 1<<20+64<<10 || !strings.Contains(string(b), "response headers not kept: the headers came to") {
		t.Fatalf("the Markdown report is %d bytes, or does not name the cut", len(b))
	}
}
