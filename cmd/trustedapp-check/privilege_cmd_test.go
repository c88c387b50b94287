package main

import (
	"context"
	"encoding/json"
	"testing"
)

// Least-privilege advice never fails a check, not even with --strict; the record
// command adds what only the record shows.
func TestLeastPrivilegeInTheCLI(t *testing.T) {
	s := startSandbox(t)
	args, secret := scenarioArgs(t, s, "healthy")
	t.Setenv(SecretEnv, secret)
	r := runArgs(t, context.Background(), "", append([]string{"check", "--strict"}, args...)...)
	expect(t, r, exitOK, []string{"Least privilege (advice on what to narrow; it never fails a check, not even with --strict):", "request read only", "Verdict: PASS"}, nil)
	r = runArgs(t, context.Background(), "", append([]string{"check", "--json"}, args...)...)
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || r.code != exitOK {
		t.Fatalf("json: %v (exit %d)", err, r.code)
	}
	if lp, _ := doc["least_privilege"].([]any); len(lp) != 1 || lp[0].(map[string]any)["code"] != "privilege.update_unused" {
		t.Errorf("least_privilege %v", doc["least_privilege"])
	}

	t.Setenv(SecretEnv, "")
	store := storeWith(t, s, "healthy", "reference-tokens")
	r = runArgs(t, context.Background(), "", "record", "reference-tokens", "--with", "healthy", "--json", "--store", store)
	var out recordOutput
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("json: %v\n%s", err, r.stdout)
	}
	codes := map[string]bool{}
	for _, f := range out.LeastPrivilege {
		codes[f.Code] = f.Explanation != nil
	}
	if !codes["privilege.interactive_user"] || !codes["privilege.reference_tokens"] || len(codes) != 2 {
		t.Errorf("record advice %v", codes)
	}
	r = runArgs(t, context.Background(), "", "record", "reference-tokens", "--with", "healthy", "--store", store)
	expect(t, r, r.code, []string{"Least privilege", "svc-reports is an InternalUser", "ReferenceTokens is AdministratorsOnly"}, nil)
}
