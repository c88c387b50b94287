package audit

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/testdir"
)

const (
	secret = "Sup3r/Secret+Value="
	rawJWT = "eyJhbGciOiJSUzI1NiJ9.eyJjbGllbnRfaWQiOiJ4In0.c2lnbmF0dXJlMTIzNDU2Nzg5"
)

var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

func runReport() check.Report {
	return check.Report{
		Profile: "prod", Started: t0, Verdict: check.Pass,
		Steps: []check.Step{
			{Kind: check.StepDiscovery, Exchanges: []check.Exchange{{Started: t0, Method: "GET", URL: "https://acme.my.erp.net/id/.well-known/openid-configuration", Status: 200}}},
			{Kind: check.StepToken, Exchanges: []check.Exchange{{Started: t0.Add(time.Second), Method: "POST",
				URL:            "https://acme.my.erp.net/id/connect/token?client_secret=" + secret,
				RequestHeaders: http.Header{"Authorization": {"Basic abc"}}, RequestBody: "client_secret=" + secret,
				Status: 200, ResponseBody: `{"access_token":"` + rawJWT + `"}`, Timings: check.Timings{Total: 150 * time.Millisecond}}}},
			{Kind: check.StepAPI, Exchanges: []check.Exchange{{Started: t0.Add(2 * time.Second), Method: "GET",
				URL: "https://acme.my.erp.net/api/domain/odata/Crm_Sales_Customers?$top=5", Status: 403,
				Error: "Bearer " + rawJWT + " refused", Timings: check.Timings{Total: 40 * time.Millisecond}}}},
			{Kind: check.StepAPI, Exchanges: []check.Exchange{{Method: "GET", URL: "https://acme.my.erp.net/api/domain/currentmodel", Error: "dial tcp: connection refused"}}},
		},
		Token:  &check.TokenInfo{Last6: rawJWT[len(rawJWT)-6:], Fingerprint: check.Fingerprint(rawJWT)},
		Access: check.NewAccessToken(rawJWT),
	}
}

func openTemp(t *testing.T) *Log {
	t.Helper()
	l, err := Open(filepath.Join(testdir.New(t), "sub", "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestAppendReport(t *testing.T) {
	l := openTemp(t)
	if err := l.AppendReport("prod", "com.acme/sync", runReport()); err != nil {
		t.Fatal(err)
	}
	es, err := l.Entries(Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 3 {
		t.Fatalf("want 3 entries (token + 2 api; discovery not logged), got %d: %+v", len(es), es)
	}
	tok, api, refused := es[0], es[1], es[2]
	if tok.Kind != "token" || tok.Method != "POST" || tok.Status != 200 || tok.ClientID != "com.acme/sync" || tok.Profile != "prod" ||
		tok.DurationMS != 150 || tok.TokenFingerprint != check.Fingerprint(rawJWT) || !tok.Time.Equal(t0.Add(time.Second)) {
		t.Errorf("token entry: %+v", tok)
	}
	if tok.Endpoint != "https://acme.my.erp.net/id/connect/token?client_secret=[redacted]" {
		t.Errorf("endpoint: %q", tok.Endpoint)
	}
	if api.Kind != "api" || api.Status != 403 || api.Endpoint != "https://acme.my.erp.net/api/domain/odata/Crm_Sales_Customers?$top=5" || api.DurationMS != 40 {
		t.Errorf("api entry: %+v", api)
	}
	if refused.Status != 0 || refused.Error != "dial tcp: connection refused" || !refused.Time.Equal(t0) {
		t.Errorf("refused entry: %+v", refused)
	}
	raw, _ := os.ReadFile(l.Path())
	for _, bad := range []string{secret, rawJWT, "c2lnbmF0dXJlMTIzNDU2Nzg5"} {
		if bytes.Contains(raw, []byte(bad)) {
			t.Errorf("audit file contains %q:\n%s", bad, raw)
		}
	}
	// Windows has no permission bits (Go reports -rw-rw-rw-); the log's privacy there
	// comes from the ACLs of %LocalAppData%.
	if st, _ := os.Stat(l.Path()); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("log mode %v, want 0600", st.Mode().Perm())
	}
}

func TestFilterAndExport(t *testing.T) {
	l := openTemp(t)
	for i, p := range []string{"prod", "test", "prod"} {
		if err := l.Append(Entry{Time: t0.Add(time.Duration(i) * time.Hour), Profile: p, Kind: "api", Method: "GET", Endpoint: fmt.Sprintf("https://x/%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	es, _ := l.Entries(Filter{Profile: "prod"})
	if len(es) != 2 || es[0].Endpoint != "https://x/0" || es[1].Endpoint != "https://x/2" {
		t.Errorf("profile filter: %+v", es)
	}
	es, _ = l.Entries(Filter{Since: t0.Add(time.Hour)})
	if len(es) != 2 || es[0].Profile != "test" {
		t.Errorf("since filter: %+v", es)
	}
	var b bytes.Buffer
	if err := l.Export(&b, Filter{Profile: "test"}); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(b.String()), "\n"); len(lines) != 1 || !strings.Contains(lines[0], `"endpoint":"https://x/1"`) {
		t.Errorf("export: %q", b.String())
	}
}

func TestCorruptLinesAreSkippedAndCounted(t *testing.T) {
	l := openTemp(t)
	_ = l.Append(Entry{Time: t0, Profile: "a", Kind: "api"})
	f, _ := os.OpenFile(l.Path(), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("not json\n{\"time\":\"bad\"}\n" + strings.Repeat("x", 200000) + "\n{\"time\":\"2026-03-01T10:00:00Z\",\"profile\":\"cut")
	f.Close()
	// The cut-off last line must not swallow the next entry.
	if err := l.Append(Entry{Time: t0.Add(time.Minute), Profile: "b", Kind: "api"}); err != nil {
		t.Fatal(err)
	}
	es, err := l.Entries(Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || es[0].Profile != "a" || es[1].Profile != "b" {
		t.Errorf("entries: %+v", es)
	}
	if l.Corrupt() != 4 {
		t.Errorf("corrupt = %d, want 4", l.Corrupt())
	}
}

func TestRotationBoundsSize(t *testing.T) {
	l := openTemp(t)
	l.SetLimits(1000, 3)
	for i := 0; i < 60; i++ {
		if err := l.Append(Entry{Time: t0.Add(time.Duration(i) * time.Second), Profile: "p", Kind: "api", Endpoint: fmt.Sprintf("https://acme.my.erp.net/%03d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	var total int64
	for _, p := range []string{l.Path(), l.Path() + ".1", l.Path() + ".2"} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if st.Size() > 1000 {
			t.Errorf("%s is %d bytes, over the limit", p, st.Size())
		}
		total += st.Size()
	}
	if _, err := os.Stat(l.Path() + ".3"); !errors.Is(err, os.ErrNotExist) {
		t.Error("a fourth file was kept")
	}
	es, _ := l.Entries(Filter{})
	if len(es) == 0 || len(es) >= 60 || es[len(es)-1].Endpoint != "https://acme.my.erp.net/059" {
		t.Fatalf("after rotation: %d entries, last %+v", len(es), es[len(es)-1])
	}
	for i := 1; i < len(es); i++ {
		if !es[i-1].Time.Before(es[i].Time) {
			t.Fatalf("not oldest first at %d", i)
		}
	}
}

func TestConcurrentAppends(t *testing.T) {
	l := openTemp(t)
	l.SetLimits(20000, 3)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				if err := l.AppendReport(fmt.Sprintf("p%d", g), "c", runReport()); err != nil {
					t.Error(err)
				}
			}
		}(g)
	}
	wg.Wait()
	es, err := l.Entries(Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if l.Corrupt() != 0 || len(es) == 0 {
		t.Errorf("corrupt %d, entries %d", l.Corrupt(), len(es))
	}
}

func TestOpenErrorsNameThePath(t *testing.T) {
	dir := testdir.New(t)
	file := filepath.Join(dir, "plain")
	os.WriteFile(file, []byte("x"), 0o600)
	_, err := Open(filepath.Join(file, "audit.jsonl"))
	if err == nil || !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), "cannot create its folder") {
		t.Errorf("err = %v", err)
	}
	if _, err := Open(" "); err == nil || !strings.Contains(err.Error(), EnvPath) {
		t.Errorf("empty path err = %v", err)
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv(EnvPath, "/tmp/x/audit.jsonl")
	if p, _ := DefaultPath(); p != "/tmp/x/audit.jsonl" {
		t.Errorf("env override: %q", p)
	}
	home := func() (string, error) { return "/home/u", nil }
	noHome := func() (string, error) { return "", errors.New("no home") }
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cases := []struct {
		goos string
		env  map[string]string
		want string
	}{
		{"linux", nil, "/home/u/.local/share/trustedapp-tester/audit.jsonl"},
		{"linux", map[string]string{"XDG_DATA_HOME": "/data"}, "/data/trustedapp-tester/audit.jsonl"},
		{"linux", map[string]string{"XDG_DATA_HOME": "relative"}, "/home/u/.local/share/trustedapp-tester/audit.jsonl"},
		{"darwin", nil, "/home/u/Library/Application Support/TrustedAppTester/audit.jsonl"},
		{"windows", map[string]string{"LocalAppData": "/c/Users/u/AppData/Local"}, filepath.Join("/c/Users/u/AppData/Local", "TrustedAppTester", "audit.jsonl")},
	}
	for _, c := range cases {
		if runtime.GOOS == "windows" && c.goos != "windows" {
			continue // these wants are slash paths ("/data" is not even absolute on Windows); they run on Linux and macOS
		}
		if got, err := defaultPath(c.goos, env(c.env), home); err != nil || got != c.want {
			t.Errorf("%s %v: %q %v, want %q", c.goos, c.env, got, err, c.want)
		}
	}
	if _, err := defaultPath("linux", env(nil), noHome); err == nil || !strings.Contains(err.Error(), EnvPath) {
		t.Errorf("no home: %v", err)
	}
}
