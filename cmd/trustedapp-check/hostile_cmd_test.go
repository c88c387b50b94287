package main

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"trustedapp-tester/audit"
	"trustedapp-tester/internal/hostile"
)

// readAll reads the files a run wrote ("" for one that is not there).
func readAll(paths ...string) []string {
	var out []string
	for _, p := range paths {
		b, _ := os.ReadFile(p)
		out = append(out, string(b))
	}
	return out
}

// Everything the CLI shows or writes after a server echoed the secret: the text on
// stdout, the JSON document, the Markdown and JSON reports, JUnit and the audit log.
// Every echo style, refused and granted, for a long secret full of characters each
// encoding treats differently and for a 4-character one.
func TestCheckEchoedSecretLeaksNowhere(t *testing.T) {
	var leaked []string
	cases := 0
	for _, secret := range []string{"S3cr+t/p@ss w\"rd<&>%:é'\\`x~", "zQ7!"} {
		for _, style := range hostile.EchoStyles() {
			for _, grant := range []bool{false, true} {
				cases++
				in := hostile.New(t, secret)
				hostile.Echo(in, style.Echo(secret, hostile.ClientID), grant)
				dir := t.TempDir()
				auditLog := filepath.Join(dir, "audit.jsonl")
				t.Setenv(audit.EnvPath, auditLog)
				t.Setenv(SecretEnv, secret)
				md, js, junit := filepath.Join(dir, "r.md"), filepath.Join(dir, "r.json"), filepath.Join(dir, "junit.xml")
				args := []string{"--instance", in.URL, "--client-id", hostile.ClientID, "--scope", "read update", "--call", "GET /api/domain/odata/Crm_Sales_Customers"}
				text := runArgs(t, context.Background(), "", append([]string{"check", "--report", md, "--junit", junit}, args...)...)
				jsonOut := runArgs(t, context.Background(), "", append([]string{"check", "--json", "--auth", "basic"}, args...)...)
				if text.code != exitFailed || jsonOut.code != exitFailed {
					t.Fatalf("%s: exit %d / %d, want %d\n%s%s", style.Name, text.code, jsonOut.code, exitFailed, text.stdout, text.stderr)
				}
				outs := append([]string{text.stdout, text.stderr, jsonOut.stdout, jsonOut.stderr}, readAll(md, js, junit, auditLog)...)
				if outs[4] == "" || outs[7] == "" {
					t.Fatalf("%s: no report or no audit log written", style.Name)
				}
				leak := style.Leak(secret, hostile.ClientID)
				for i, o := range outs {
					if strings.Contains(o, leak) {
						where := []string{"text", "stderr", "--json", "stderr", ".md", ".json", "JUnit", "audit log"}[i]
						leaked = append(leaked, style.Name+" in "+where+" ("+map[bool]string{true: "granted", false: "refused"}[grant]+", "+map[bool]string{true: "short", false: "long"}[len(secret) < 8]+")")
					}
				}
			}
		}
	}
	if len(leaked) > 0 {
		sort.Strings(leaked)
		t.Fatalf("the secret leaked %d times in %d runs:\n%s", len(leaked), cases, strings.Join(leaked, "\n"))
	}
}
