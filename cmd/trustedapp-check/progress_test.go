package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"trustedapp-tester/sandbox"
)

// The progress lines show each step's verdict as it finishes; the run's judgment may
// change one afterwards (check/judge.go). A proxy in front of the sandbox hides its
// site auto-discovery: the Reachability step warns while it runs, and every API call
// then succeeds with the standard OData root, which lowers it to info (pass). The
// terminal must end with the judged verdict, not the live one.
func TestProgressShowsWhatTheJudgmentChanged(t *testing.T) {
	s, err := sandbox.Start(sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	var hidden atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/auto-discovery") {
			hidden.Add(1)
			http.NotFound(w, r)
			return
		}
		out := r.Clone(r.Context())
		out.RequestURI = ""
		resp, err := http.DefaultTransport.RoundTrip(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}))
	t.Cleanup(proxy.Close)

	sc, ok := s.Scenario("healthy")
	if !ok {
		t.Fatal("no healthy scenario")
	}
	args := []string{"check", "--instance", sc.Instance, "--client-id", sc.ClientID, "--scope", sc.Scope,
		"--proxy", proxy.URL, "--progress", "--fresh"}
	t.Setenv(SecretEnv, sc.ClientSecret)
	r := runArgs(t, context.Background(), "", args...)
	if hidden.Load() == 0 {
		t.Fatalf("the requests did not go through the proxy:\n%s\n%s", r.stdout, r.stderr)
	}
	live := "[warn] Reachability"
	if !strings.Contains(r.stderr, live) {
		t.Fatalf("no live warning for Reachability on stderr:\n%s", r.stderr)
	}
	revised := "[pass] Reachability  was [warn] while it ran; the later steps changed it (lowered to info: Every API call succeeded"
	if !strings.Contains(r.stderr, revised) {
		t.Fatalf("stderr does not end with the judged verdict; want %q in:\n%s", revised, r.stderr)
	}
	if strings.Index(r.stderr, revised) < strings.Index(r.stderr, "[pass] API") {
		t.Errorf("the revision came before the API calls that caused it:\n%s", r.stderr)
	}
	if r.code != exitOK {
		t.Errorf("exit %d, want %d (the judged run passes):\n%s", r.code, exitOK, r.stdout)
	}
	noLeak(t, sc.ClientSecret, r.stdout, r.stderr)

	// Without --progress, and with stderr not a terminal, nothing goes to stderr.
	args = args[:len(args)-2]
	args = append(args, "--fresh")
	if r := runArgs(t, context.Background(), "", args...); strings.Contains(r.stderr, "Reachability") {
		t.Errorf("progress lines without --progress on a non-terminal:\n%s", r.stderr)
	}
}
