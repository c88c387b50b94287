//go:build !windows

package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"trustedapp-tester/internal/testdir"
	"trustedapp-tester/profiles"
)

// A real watch process and a real signal: SIGINT or SIGTERM while a round is in
// flight (its request stalled at the instance) cancels that request, ends the process
// cleanly within seconds (exit 0, "Stopped."), and leaves the metrics file exactly as
// the last whole round wrote it, with no temporary file beside it.
func TestWatchProcessStopsOnSignal(t *testing.T) {
	var stall atomic.Bool
	arrived := make(chan struct{}, 16)
	cancelled := make(chan struct{}, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if stall.Load() {
			arrived <- struct{}{}
			select {
			case <-r.Context().Done():
				cancelled <- struct{}{}
				return
			case <-time.After(time.Minute):
			}
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	store := storeOf(t, profiles.Profile{Name: "stalls", InstanceURL: srv.URL, ClientID: "c", TimeoutSeconds: 120})
	dir := testdir.New(t)
	file := filepath.Join(dir, "trustedapp.prom")
	env := []string{"TRUSTEDAPP_SECRET=s3cret-watch", "TRUSTEDAPP_AUDIT=" + filepath.Join(testdir.New(t), "audit.jsonl"),
		"DBUS_SESSION_BUS_ADDRESS=unix:path=" + filepath.Join(testdir.New(t), "no-bus")}

	// A whole round first (the instance answers 404: the check fails, exit 1).
	r := runCLIProcess(t, env, "watch", "stalls", "--once", "--store", store, "--metrics-file", file)
	if r.code != exitFailed {
		t.Fatalf("--once: exit %d\n%s", r.code, r.stderr)
	}
	whole, err := os.ReadFile(file)
	if err != nil || !bytes.Contains(whole, []byte(`trustedapp_check_success{client_id="c",environment="",host="127.0.0.1:`)) {
		t.Fatalf("metrics file: %v\n%s", err, whole)
	}

	stall.Store(true)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		cmd := childCommand(t, "cli", []string{"watch", "stalls", "--store", store, "--metrics-file", file, "--every", "10s"}, env)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		select {
		case <-arrived:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("%v: the round never reached the instance\n%s", sig, stderr.String())
		}
		sent := time.Now()
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("%v: %v, want exit 0\n%s", sig, err, stderr.String())
			}
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("%v: still running 15 s after the signal\n%s", sig, stderr.String())
		}
		t.Logf("%v: stopped %s after the signal", sig, time.Since(sent).Round(time.Millisecond))
		select {
		case <-cancelled:
		case <-time.After(5 * time.Second):
			t.Errorf("%v: the request in flight was not cancelled", sig)
		}
		if !strings.Contains(stderr.String(), "Stopped.") {
			t.Errorf("%v: stderr\n%s", sig, stderr.String())
		}
		now, err := os.ReadFile(file)
		if err != nil || !bytes.Equal(now, whole) {
			t.Errorf("%v: the metrics file changed under a cancelled round: %v\n%s", sig, err, now)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			t.Errorf("%v: files beside the metrics: %v", sig, names)
		}
	}
}
