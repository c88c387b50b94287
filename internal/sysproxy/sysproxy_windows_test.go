package sysproxy

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

// WinHTTP itself downloads and runs a PAC file that sends two hosts through two
// proxies and a third direct (under Wine in make test-windows, and on Windows).
func TestWinHTTPEvaluatesPACPerHost(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-ns-proxy-autoconfig")
		http.ServeFile(w, r, "testdata/corp.pac")
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r := &Resolver{Settings: Settings{Where: "Internet Options", PACURL: srv.URL + "/corp.pac"}, PAC: winHTTP{}}
	for _, tc := range []struct{ target, want string }{
		{"https://acme.my.erp.example/api/domain/odata/", "http://erp-proxy.corp.example:8080"},
		{"https://billing.api.example/v1", "http://api-proxy.corp.example:3128"},
		{"https://wiki.intranet.example/", ""},
		{"http://printer/", ""},
	} {
		u, _ := url.Parse(tc.target)
		c := r.For(ctx, u)
		got := ""
		if c.Proxy != nil {
			got = c.Proxy.String()
		}
		if got != tc.want || c.By != "PAC "+srv.URL+"/corp.pac" {
			t.Errorf("%s: proxy %q by %q (notes %q), want %q by the PAC", tc.target, got, c.By, c.Notes, tc.want)
		}
	}
}

// A PAC file that cannot be downloaded is a note, and the manual proxy applies.
func TestWinHTTPPACUnreachableFallsBack(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	r := &Resolver{Settings: Settings{Where: "Internet Options", PACURL: srv.URL + "/gone.pac", Proxies: map[string]string{"": "manual.corp.example:8080"}}, PAC: winHTTP{}}
	u, _ := url.Parse("https://acme.my.erp.example/")
	c := r.For(context.Background(), u)
	if c.Proxy == nil || c.Proxy.Host != "manual.corp.example:8080" || c.By != "Internet Options" || len(c.Notes) != 1 {
		t.Fatalf("got %+v, want the manual proxy with a note on the PAC file", c)
	}
	t.Logf("note: %s", c.Notes[0])
}

// WPAD detection (slow where the network has no WPAD) runs once per detectTTL, not
// once per run.
func TestWPADDetectionIsKept(t *testing.T) {
	ctx := context.Background()
	u1, err1 := winHTTP{}.Detect(ctx)
	detected.Lock()
	at := detected.at
	detected.Unlock()
	u2, err2 := winHTTP{}.Detect(ctx)
	detected.Lock()
	again := detected.at
	detected.Unlock()
	if at.IsZero() || !again.Equal(at) || u1 != u2 || (err1 == nil) != (err2 == nil) {
		t.Errorf("first %q %v at %v; second %q %v at %v", u1, err1, at, u2, err2, again)
	}
}
