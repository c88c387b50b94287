package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"trustedapp-tester/audit"
	"trustedapp-tester/compare"
	"trustedapp-tester/internal/testdir"
	"trustedapp-tester/profiles"
)

func TestDiffTwoProfilesAndTwoRuns(t *testing.T) {
	t.Setenv(audit.EnvPath, filepath.Join(testdir.New(t), "audit.jsonl"))
	t.Setenv(SecretEnv, "")
	s := startSandbox(t)
	store := storeWith(t, s, "healthy", "reference-tokens", "rotated-secret")

	// Two apps now: the differences first, the identical rows folded.
	r := runArgs(t, context.Background(), "", "diff", "healthy", "reference-tokens", "--store", store)
	expect(t, r, exitFailed, []string{`A: "healthy", fresh run `, `B: "reference-tokens", fresh run `, "differences:",
		"svc-import (ApplicationUserNoLogin)", "svc-reports (InternalUser)", "Scopes granted", "read update",
		"ReferenceTokens", "AdministratorsOnly (warn)", "identical rows folded (--all shows them)."}, nil)
	diffs := r.stdout[:strings.Index(r.stdout, "identical rows folded")]
	if strings.Contains(diffs, "Database") {
		t.Errorf("an identical row (Database) is listed among the differences:\n%s", r.stdout)
	}
	r = runArgs(t, context.Background(), "", "diff", "healthy", "reference-tokens", "--all", "--store", store)
	expect(t, r, exitFailed, []string{"identical:", "Database", "ApplicationSecretHash", "matches the profile's secret (ok)"}, nil)

	// Before and after a change to the profile: its scopes.
	st, _ := profiles.Open(store)
	p, _ := st.Get("healthy")
	p.Scopes = []string{"read"}
	if err := st.Update("healthy", p); err != nil {
		t.Fatal(err)
	}
	r = runArgs(t, context.Background(), "", "diff", "healthy", "healthy@1", "--json", "--store", store)
	var c compare.Comparison
	if err := json.Unmarshal([]byte(r.stdout), &c); err != nil || r.code != exitFailed {
		t.Fatalf("json: %v (exit %d)\n%s\n%s", err, r.code, r.stdout, r.stderr)
	}
	changed := map[string][2]string{}
	for _, row := range c.Rows {
		if !row.Same {
			changed[row.Field] = [2]string{row.A, row.B}
		}
	}
	if changed["Scopes requested"] != [2]string{"read", "read update"} || changed["Scopes granted"] != [2]string{"read", "read update"} || changed["System User"] != [2]string{} {
		t.Errorf("before/after: %v", changed)
	}
	var raw map[string]any
	json.Unmarshal([]byte(r.stdout), &raw)
	row0 := raw["rows"].([]any)[0].(map[string]any)
	for _, k := range []string{"group", "field", "a", "b", "same"} {
		if _, ok := row0[k]; !ok {
			t.Errorf("row lacks %q: %v", k, row0)
		}
	}
	if raw["differences"].(float64) != float64(c.Differences) || raw["a"].(map[string]any)["run_id"] == "" {
		t.Errorf("comparison JSON %v", raw)
	}

	// History: the runs, newest first, with ids and PROFILE@N names.
	r = runArgs(t, context.Background(), "", "diff", "--runs", "healthy")
	expect(t, r, exitOK, []string{"RUN", "healthy@1", "healthy@2", "healthy@3"}, nil)
	ids := regexp.MustCompile(`@([0-9a-f]{8})`).FindAllStringSubmatch(r.stdout, -1)
	if len(ids) != 3 {
		t.Fatalf("run ids in\n%s", r.stdout)
	}
	// The name as the store matches it: in any case.
	r = runArgs(t, context.Background(), "", "diff", "--runs", "HEALTHY")
	expect(t, r, exitOK, []string{"RUN", "healthy@1", "healthy@2", "healthy@3"}, nil)
	r = runArgs(t, context.Background(), "", "diff", "--runs", "--limit", "2")
	if n := len(regexp.MustCompile(`(?m)^@[0-9a-f]{8}`).FindAllString(r.stdout, -1)); r.code != exitOK || n != 2 {
		t.Errorf("--limit 2 listed %d runs:\n%s", n, r.stdout)
	}
	// The same run twice: nothing differs, exit 0.
	r = runArgs(t, context.Background(), "", "diff", "@"+ids[0][1], "@"+ids[0][1][:5])
	expect(t, r, exitOK, []string{"No differences."}, nil)
	// Two History runs of the same app: nothing but timings may differ.
	r = runArgs(t, context.Background(), "", "diff", "@"+ids[1][1], "@"+ids[2][1], "--json")
	json.Unmarshal([]byte(r.stdout), &c)
	for _, row := range c.Rows {
		if !row.Same && row.Group != compare.GroupTimings {
			t.Errorf("two runs of an unchanged app differ in %s %s: %q vs %q", row.Group, row.Field, row.A, row.B)
		}
	}

	// No record: the rows are absent and the text says why.
	r = runArgs(t, context.Background(), "", "diff", "healthy", "rotated-secret", "--no-record", "--store", store)
	expect(t, r, exitFailed, []string{"token.invalid_client", "The Trusted App record was not read for either side"}, nil)
	if strings.Contains(r.stdout, "record  ") {
		t.Errorf("record rows with --no-record:\n%s", r.stdout)
	}

	// Mistakes.
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"diff", "healthy"}, exitUsage, "give two things to compare"},
		{[]string{"diff", "healthy", "healthy"}, exitUsage, "compare it with its last run instead"},
		{[]string{"diff", "healthy", "healthy@0"}, exitUsage, "after @ give N"},
		{[]string{"diff", "healthy", "healthy@99"}, exitUsage, `History has 4 run(s) of "healthy"`},
		{[]string{"diff", "healthy", "@ab"}, exitUsage, "at least 4"},
		{[]string{"diff", "healthy", "@ffffffff"}, exitUsage, "diff --runs"},
		{[]string{"diff", "healthy", "nobody"}, exitEnvironment, `no profile named "nobody"`},
		{[]string{"diff", "healthy", "nobody@1"}, exitEnvironment, `no profile named "nobody"`},
		{[]string{"diff", "--runs", "a", "b"}, exitUsage, "at most one PROFILE"},
		{[]string{"diff", "healthy", "reference-tokens", "--timeout", "forever"}, exitUsage, "--timeout"},
	} {
		r := runArgs(t, context.Background(), "", append(tc.args, "--store", store)...)
		expect(t, r, tc.code, nil, []string{tc.msg})
	}
	r = runArgs(t, context.Background(), "", "diff", "--help")
	expect(t, r, exitOK, []string{"PROFILE@N", "@RUN", "fresh run"}, nil)
}

func TestDiffEmptyHistoryAndMissingSecret(t *testing.T) {
	t.Setenv(audit.EnvPath, filepath.Join(testdir.New(t), "audit.jsonl"))
	r := runArgs(t, context.Background(), "", "diff", "--runs")
	expect(t, r, exitOK, []string{"History holds no runs yet"}, nil)
	r = runArgs(t, context.Background(), "", "diff", "--runs", "--json")
	expect(t, r, exitOK, []string{"[]"}, nil)

	s := startSandbox(t)
	store := storeWith(t, s, "healthy")
	st, _ := profiles.Open(store)
	if err := st.Add(profiles.Profile{Name: "no-secret", InstanceURL: "https://acme.example.test", ClientID: "com.acme/x"}); err != nil {
		t.Fatal(err)
	}
	r = runArgs(t, context.Background(), "", "diff", "healthy", "no-secret", "--store", store)
	expect(t, r, exitEnvironment, nil, []string{`no client secret is set for profile "no-secret"`})
}
