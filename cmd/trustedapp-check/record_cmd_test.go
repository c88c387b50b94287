package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"trustedapp-tester/profiles"
)

func TestRecordCommand(t *testing.T) {
	s := startSandbox(t)
	store := storeWith(t, s, "healthy", "scope-not-allowed", "disabled")
	t.Setenv(SecretEnv, "")

	// Its own record, with its own token: every field right.
	r := runArgs(t, context.Background(), "", "record", "healthy", "--store", store)
	expect(t, r, exitOK, []string{"Trusted App record com.sandbox/healthy", `read with the token of "healthy" (System User svc-import)`, "OK    Scope", "Every field client credentials needs is right."}, nil)

	// An app that gets no token: the checklist to check by hand, exit 1.
	r = runArgs(t, context.Background(), "", "record", "scope-not-allowed", "--store", store)
	expect(t, r, exitFailed, []string{"CHECK", "not read", "must be: at least: read update", "--with READER"}, []string{`"scope-not-allowed" got no token`, "token.invalid_scope"})

	// The same, read with the healthy app's token: Scope must be fixed.
	r = runArgs(t, context.Background(), "", "record", "scope-not-allowed", "--with", "healthy", "--store", store)
	expect(t, r, exitFailed, []string{"FIX   Scope", "Add update to Scope (exact case)", "1 field to fix."}, nil)
	if strings.Index(r.stdout, "FIX") > strings.Index(r.stdout, "OK ") {
		t.Errorf("fields to fix should come first:\n%s", r.stdout)
	}

	// By client_id, as JSON.
	r = runArgs(t, context.Background(), "", "record", "--with", "healthy", "--client-id", "com.sandbox/disabled", "--json", "--store", store)
	var out recordOutput
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != exitFailed {
		t.Fatalf("json: %v (exit %d)\n%s", err, r.code, r.stdout)
	}
	states := map[string]string{}
	for _, c := range out.Checks {
		states[c.Field] = c.State
	}
	if !out.Read || states["IsEnabled"] != "bad" || states["ClientType"] != "ok" || out.ReadWith == "" {
		t.Errorf("disabled record: %+v", out)
	}

	// Mistakes.
	r = runArgs(t, context.Background(), "", "record", "--with", "healthy", "--store", store)
	expect(t, r, exitUsage, nil, []string{"name the PROFILE whose record to read, or give --client-id ID"})
	r = runArgs(t, context.Background(), "", "record", "healthy", "--with", "nobody", "--store", store)
	expect(t, r, exitEnvironment, nil, []string{`no profile named "nobody"`})
	st, err := profiles.Open(store)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Add(profiles.Profile{Name: "elsewhere", InstanceURL: "https://other.example.test", ClientID: "com.acme/x"}); err != nil {
		t.Fatal(err)
	}
	r = runArgs(t, context.Background(), "", "record", "elsewhere", "--with", "healthy", "--store", store)
	expect(t, r, exitUsage, nil, []string{`"elsewhere" is on other.example.test`, "a token only reads records of its own instance"})
	r = runArgs(t, context.Background(), "", "record", "healthy", "--with", "healthy", "--client-id", "x", "--store", store)
	expect(t, r, exitUsage, nil, []string{"give PROFILE or --client-id, not both"})
	r = runArgs(t, context.Background(), "", "record", "--help")
	expect(t, r, exitOK, []string{"--with READER", "Exit codes"}, nil)
}
