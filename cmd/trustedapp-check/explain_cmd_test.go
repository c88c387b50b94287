package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestExplainCommand(t *testing.T) {
	const secret = "Pasted-Secret-9f8e7d"
	in := "POST https://acme.my.erp.net/id/connect/token client_secret=" + secret + "\nHTTP/1.1 400 Bad Request\n\n" +
		`{"error":"invalid_scope","error_description":"Invalid scope: update"}`
	r := runArgs(t, context.Background(), in, "explain")
	expect(t, r, exitOK, []string{"The text (1 credential removed):", "client_secret=[redacted]", "Read as: an OAuth error from the token endpoint (invalid_scope)",
		"FAIL token.invalid_scope", "Scope", "Fix:", "Docs: https://docs.erp.net/"}, nil)
	noLeak(t, secret, r.stdout, r.stderr)

	r = runArgs(t, context.Background(), in, "explain", "--json")
	var raw map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil || r.code != exitOK {
		t.Fatalf("json: %v (exit %d)\n%s", err, r.code, r.stdout)
	}
	for _, k := range []string{"recognised", "kind", "read_as", "text", "redactions", "findings"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, r.stdout)
		}
	}
	f := raw["findings"].([]any)[0].(map[string]any)
	if raw["kind"] != "oauth_error" || f["code"] != "token.invalid_scope" || f["evidence"].(map[string]any)["scope"] != "update" || f["explanation"] == nil {
		t.Errorf("JSON %s", r.stdout)
	}
	noLeak(t, secret, r.stdout)

	r = runArgs(t, context.Background(), "it just does not work", "explain")
	expect(t, r, exitFailed, []string{"Read as: not recognised", "The three most likely things to check:", "1. The Trusted App accepts the credentials", "3. The scopes fit"}, nil)

	r = runArgs(t, context.Background(), "  \n", "explain")
	expect(t, r, exitUsage, nil, []string{"stdin was empty"})
	r = runArgs(t, context.Background(), "x", "explain", `{"error":"invalid_client"}`)
	expect(t, r, exitUsage, nil, []string{"pipe the text in on stdin"})
	r = runArgs(t, context.Background(), "", "explain", "--help")
	expect(t, r, exitOK, []string{"WWW-Authenticate", "IDX10223", "Exit codes"}, nil)
	if !strings.Contains(r.stdout, "not recognised") {
		t.Error("help does not say what happens to unknown text")
	}
}
