package main

import (
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/internal/testdir"
)

type driftDoc struct {
	Profile struct{ Name string } `json:"profile"`
	Verdict string                `json:"verdict"`
	Drift   *struct {
		Baseline   bool   `json:"baseline"`
		SinceRunID string `json:"since_run_id"`
		Changes    []struct {
			Key, Field, Was, Now string
		} `json:"changes"`
	} `json:"drift"`
}

func driftDocs(t *testing.T, store string) map[string]driftDoc {
	t.Helper()
	r := runArgs(t, context.Background(), "", "check", "--all", "--store", store, "--json")
	var docs []driftDoc
	if err := json.Unmarshal([]byte(r.stdout), &docs); err != nil {
		t.Fatalf("%v\n%s\n%s", err, r.stdout, r.stderr)
	}
	out := map[string]driftDoc{}
	for _, d := range docs {
		if d.Drift == nil {
			t.Fatalf("%s: no drift in the JSON", d.Profile.Name)
		}
		out[d.Profile.Name] = d
	}
	return out
}

// check --all compares each profile's run with its last passing run in History: none
// at first, no change on a second run, then what a changed Trusted App (a passing run
// in History with other scopes, another System User and version) and a broken one
// (passing before, failing now) show, in the JSON and as the text report's Drift line.
func TestCheckAllDrift(t *testing.T) {
	s := startSandbox(t)
	store := storeWith(t, s, "healthy", "disabled")
	t.Setenv(SecretEnv, "")
	logPath := filepath.Join(testdir.New(t), "audit.jsonl")
	t.Setenv(audit.EnvPath, logPath)

	first := driftDocs(t, store)
	for _, n := range []string{"healthy", "disabled"} {
		if d := first[n]; d.Drift.Baseline || len(d.Drift.Changes) != 0 {
			t.Errorf("first run, %s: %+v", n, d.Drift)
		}
	}
	second := driftDocs(t, store)
	if d := second["healthy"].Drift; !d.Baseline || len(d.Changes) != 0 {
		t.Errorf("second run, healthy: %+v", d)
	}
	if d := second["disabled"].Drift; d.Baseline {
		t.Errorf("disabled never passed: %+v", d)
	}

	// History holds older passing runs that saw something else.
	l, err := audit.Open(logPath)
	if err != nil {
		t.Fatal(err)
	}
	latest, _ := l.LatestRuns("healthy")
	was := latest["healthy"].Newest
	was.ID, was.Started = "0ld0c0de", time.Now().UTC()
	was.SystemUser, was.ScopesGranted, was.Version, was.TokenLifetimeS = "svc-old", []string{"read"}, "25.1.0.1", 300
	if err := l.AppendRun(was); err != nil {
		t.Fatal(err)
	}
	passed := was
	passed.ID, passed.Profile, passed.Verdict = "0ld0d15a", "disabled", check.Pass
	if err := l.AppendRun(passed); err != nil {
		t.Fatal(err)
	}
	third := driftDocs(t, store)
	var keys []string
	for _, c := range third["healthy"].Drift.Changes {
		keys = append(keys, c.Key+": "+c.Was+" -> "+c.Now)
	}
	want := []string{"system_user: svc-old (ApplicationUserNoLogin) -> svc-import (ApplicationUserNoLogin)", "scopes_granted: read -> read update", "token_lifetime: 5m0s -> 1h0m0s"}
	if d := third["healthy"].Drift; d.SinceRunID != "0ld0c0de" || len(keys) != 4 || strings.Join(keys[:3], "\n") != strings.Join(want, "\n") || !strings.HasPrefix(keys[3], "version: 25.1.0.1 -> ") {
		t.Errorf("healthy since %s:\n%s", d.SinceRunID, strings.Join(keys, "\n"))
	}
	// The disabled app's token fails: its drift is the verdict, nothing it did not see.
	if d := third["disabled"].Drift; d.SinceRunID != "0ld0d15a" || len(d.Changes) != 2 || d.Changes[0].Key != "verdict" || d.Changes[0].Now != "fail" || d.Changes[1].Key != "version" {
		t.Errorf("disabled: %+v", d)
	}

	// The text report says it in one line per profile.
	r := runArgs(t, context.Background(), "", "check", "--all", "--store", store)
	expect(t, r, exitFailed, []string{
		"Drift:     no change since last pass (run ",
		"Drift:     changed since last pass (run 0ld0d15a of ",
		"): Verdict pass -> fail; Version 25.1.0.1 -> ",
	}, nil)
	if strings.Count(r.stdout, "Drift:") != 2 {
		t.Errorf("want a Drift line per profile:\n%s", r.stdout)
	}
	// One profile, no --all: no drift line (History is not read).
	r = runArgs(t, context.Background(), "", "check", "healthy", "--store", store)
	if strings.Contains(r.stdout, "Drift:") {
		t.Errorf("a single check printed drift:\n%s", r.stdout)
	}
}

// A History that cannot be read is said once, and the checks still run.
func TestCheckAllDriftHistoryUnreadable(t *testing.T) {
	s := startSandbox(t)
	store := storeWith(t, s, "healthy")
	t.Setenv(SecretEnv, "")
	blocker := filepath.Join(testdir.New(t), "file")
	if err := writeFile(blocker, func(w io.Writer) error { return nil }); err != nil {
		t.Fatal(err)
	}
	t.Setenv(audit.EnvPath, filepath.Join(blocker, "audit.jsonl"))
	r := runArgs(t, context.Background(), "", "check", "--all", "--store", store)
	expect(t, r, exitOK, nil, []string{"warning: History cannot be read", "no drift since the last passing run is reported"})
	if strings.Contains(r.stdout, "Drift:") {
		t.Errorf("drift without History:\n%s", r.stdout)
	}
}
