package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"trustedapp-tester/check"
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

// invalid_client pinpointed: the record's ApplicationSecretHash is compared with the
// hash of the profile's secret, and a slip in how the hash was made is named.
func TestRecordCommandSecretHash(t *testing.T) {
	s := startSandbox(t)
	store := storeWith(t, s, "healthy", "rotated-secret", "secret-newline", "secret-hex")
	t.Setenv(SecretEnv, "")
	rotated, _ := s.Scenario("rotated-secret")

	// The case to pinpoint: every other field is right, the secret is not.
	r := runArgs(t, context.Background(), "", "record", "rotated-secret", "--with", "healthy", "--store", store)
	expect(t, r, exitFailed, []string{"FIX   ApplicationSecretHash", "the secret was rotated", "must be: " + check.ApplicationSecretHash(rotated.ClientSecret), "1 field to fix."}, nil)
	if strings.Contains(r.stdout, "Every field client credentials needs is right") {
		t.Errorf("a rotated secret is reported as right:\n%s", r.stdout)
	}
	noLeak(t, rotated.ClientSecret, r.stdout, r.stderr)

	// Slips are named.
	r = runArgs(t, context.Background(), "", "record", "secret-newline", "--with", "healthy", "--store", store)
	expect(t, r, exitFailed, []string{"FIX   ApplicationSecretHash", "plus a trailing newline (echo adds one)"}, nil)
	r = runArgs(t, context.Background(), "", "record", "secret-hex", "--with", "healthy", "--json", "--store", store)
	var out recordOutput
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != exitFailed {
		t.Fatalf("json: %v (exit %d)\n%s", err, r.code, r.stdout)
	}
	hexSc, _ := s.Scenario("secret-hex")
	if c := out.SecretHash; c == nil || c.State != check.SecretHashSlip || c.Slip == nil || c.Slip.Code != "hex" || c.Want != check.ApplicationSecretHash(hexSc.ClientSecret) || len(c.Stored) != 64 {
		t.Errorf("secret_hash JSON: %+v", out.SecretHash)
	}
	var raw map[string]any
	json.Unmarshal([]byte(r.stdout), &raw)
	if sh, _ := raw["secret_hash"].(map[string]any); sh["state"] != "slip" || sh["want"] == nil || sh["slip"].(map[string]any)["code"] != "hex" {
		t.Errorf("secret_hash field names: %v", raw["secret_hash"])
	}

	// Its own record, right: the row is OK and nothing changes for the healthy app.
	r = runArgs(t, context.Background(), "", "record", "healthy", "--store", store)
	expect(t, r, exitOK, []string{"OK    ApplicationSecretHash", "Every field client credentials needs is right."}, nil)

	// Unreadable (no token, no --with): the hash the record must hold, ready to copy.
	r = runArgs(t, context.Background(), "", "record", "rotated-secret", "--store", store)
	expect(t, r, exitFailed, []string{"CHECK ApplicationSecretHash", "not read", "must be: " + check.ApplicationSecretHash(rotated.ClientSecret), "ready to copy"}, nil)
	noLeak(t, rotated.ClientSecret, r.stdout, r.stderr)

	// By client_id only: no secret to compare, said plainly.
	r = runArgs(t, context.Background(), "", "record", "--with", "healthy", "--client-id", rotated.ClientID, "--store", store)
	expect(t, r, exitOK, []string{"CHECK ApplicationSecretHash", "holds no secret for the app", "CHECK rows could not be compared"}, nil)
	if strings.Contains(r.stdout, "Every field client credentials needs is right") {
		t.Errorf("an uncompared hash is reported as right:\n%s", r.stdout)
	}
}
