package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"trustedapp-tester/audit"
	"trustedapp-tester/internal/testdir"
)

// TestMain keeps every test of this package away from the user's real audit log and
// keychain (in-process runs use go-keyring's in-memory mock). It is also the entry of
// the real CLI processes the process tests start (see runChild).
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(childMain())
	}
	keyring.MockInit()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		// The mock needs no bus, but the token cache only uses a keychain where a
		// session bus exists (profiles.TokenKeychain).
		os.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/trustedapp-check-test-bus")
	}
	dir, err := os.MkdirTemp("", "trustedapp-check-audit")
	if err != nil {
		panic(err)
	}
	os.Setenv(audit.EnvPath, filepath.Join(dir, "audit.jsonl"))
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// The CLI's runs land in the same audit log the desktop app shows under History:
// token request and API calls, with the token's fingerprint, never the secret.
func TestCheckWritesTheAuditLog(t *testing.T) {
	path := filepath.Join(testdir.New(t), "audit.jsonl")
	t.Setenv(audit.EnvPath, path)
	s := startSandbox(t)
	args, secret := scenarioArgs(t, s, "healthy")
	t.Setenv(SecretEnv, secret)

	r := runArgs(t, context.Background(), "", append([]string{"check"}, args...)...)
	expect(t, r, exitOK, nil, nil)
	r = runArgs(t, context.Background(), "", append([]string{"token", "--fresh"}, args...)...) // the test process shares one token cache
	expect(t, r, exitOK, nil, nil)
	token := strings.TrimSpace(r.stdout)

	l, err := audit.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := l.Entries(audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var tokens, apis int
	for _, en := range entries {
		switch en.Kind {
		case "token":
			tokens++
			if en.ClientID != "com.sandbox/healthy" || en.Status != 200 || !strings.HasSuffix(en.Endpoint, "/id/connect/token") {
				t.Errorf("token entry = %+v", en)
			}
		case "api":
			apis++
			if en.TokenFingerprint == "" {
				t.Errorf("api entry without the token fingerprint: %+v", en)
			}
		}
	}
	if tokens != 2 || apis != 3 {
		t.Errorf("want 2 token requests (check, token) and 3 API calls, got %d and %d: %+v", tokens, apis, entries)
	}
	raw, _ := os.ReadFile(path)
	if strings.Contains(string(raw), secret) || strings.Contains(string(raw), token) {
		t.Fatal("the audit log holds the secret or the whole token")
	}
}

// An audit log that cannot be written warns once and does not fail the check.
func TestCheckWithUnwritableAuditLog(t *testing.T) {
	dir := testdir.New(t)
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(audit.EnvPath, filepath.Join(blocker, "audit.jsonl")) // a file where a directory should be
	s := startSandbox(t)
	args, secret := scenarioArgs(t, s, "healthy")
	t.Setenv(SecretEnv, secret)
	r := runArgs(t, context.Background(), "", append([]string{"check"}, args...)...)
	expect(t, r, exitOK, nil, nil)
	if n := strings.Count(r.stderr, "warning: the audit log was not written"); n != 1 || !strings.Contains(r.stderr, audit.EnvPath) {
		t.Errorf("want one warning naming %s, got:\n%s", audit.EnvPath, r.stderr)
	}
}
