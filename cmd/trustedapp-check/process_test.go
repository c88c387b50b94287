package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/testdir"
	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

// Real CLI processes: the test binary re-executes itself as trustedapp-check (TestMain
// calls childMain before it installs the keychain mock), so each run is a separate
// process with its own memory and only the OS keychain links them, as with the
// installed binary.

const (
	childEnv     = "TRUSTEDAPP_CLI_CHILD" // "cli", "probe" or "vault"
	childArgsEnv = "TRUSTEDAPP_CLI_ARGS"  // JSON: the CLI's arguments, or a vaultQuery
)

// vaultQuery asks a child process for the cached token of a key (and to drop it).
type vaultQuery struct {
	Endpoint, ClientID, Scopes, Secret string
	Drop                               bool
}

func childMain() int {
	arg := os.Getenv(childArgsEnv)
	switch os.Getenv(childEnv) {
	case "probe":
		if err := profiles.NewSecrets().Available(); err != nil {
			fmt.Println("KEYCHAIN FAIL", err)
			return 1
		}
		fmt.Println("KEYCHAIN OK")
		return 0
	case "vault":
		var q vaultQuery
		if err := json.Unmarshal([]byte(arg), &q); err != nil {
			return 99
		}
		k := check.CacheKey{TokenEndpoint: q.Endpoint, ClientID: q.ClientID, AuthMethod: "post", Scopes: q.Scopes, SecretFingerprint: check.Fingerprint(q.Secret)}
		c := check.NewVaultTokenCache(profiles.TokenKeychain{})
		if e, ok := c.Lookup(k, time.Now()); ok {
			fmt.Print(e.Token.Reveal())
		}
		if q.Drop {
			c.Drop(k)
		}
		return 0
	}
	var args []string
	if err := json.Unmarshal([]byte(arg), &args); err != nil {
		fmt.Fprintln(os.Stderr, "child: bad args:", err)
		return 99
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(env{ctx: ctx, args: args, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr})
}

type childResult struct {
	code           int
	stdout, stderr string
}

// runChildMode runs this test binary as a child in the given mode with arg (JSON);
// extraEnv is added to this process's environment (a later entry wins).
func runChildMode(t *testing.T, mode string, arg any, extraEnv []string) childResult {
	t.Helper()
	r, err := runChild(childCommand(t, mode, arg, extraEnv))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// childCommand is this test binary as a child in the given mode with arg (JSON), not
// started yet.
func childCommand(t *testing.T, mode string, arg any, extraEnv []string) *exec.Cmd {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	a, _ := json.Marshal(arg)
	cmd := exec.Command(self, "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+mode, childArgsEnv+"="+string(a))
	cmd.Env = append(cmd.Env, extraEnv...)
	return cmd
}

// runChild runs cmd (childCommand) to its end; safe on any goroutine.
func runChild(cmd *exec.Cmd) (childResult, error) {
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return childResult{ee.ExitCode(), out.String(), errb.String()}, nil
	}
	return childResult{0, out.String(), errb.String()}, err
}

// runCLI runs trustedapp-check with args in a new process.
func runCLIProcess(t *testing.T, extraEnv []string, args ...string) childResult {
	t.Helper()
	return runChildMode(t, "cli", args, extraEnv)
}

// requireRealKeychain skips unless the OS keychain answers in a child process
// (TRUSTEDAPP_REQUIRE_KEYRING=1, as make test sets it, turns the skip into a failure).
func requireRealKeychain(t *testing.T) {
	t.Helper()
	if r := runChildMode(t, "probe", nil, nil); r.code != 0 {
		if os.Getenv("TRUSTEDAPP_REQUIRE_KEYRING") == "1" {
			t.Fatalf("TRUSTEDAPP_REQUIRE_KEYRING=1 but the keychain does not answer: %s", r.stdout)
		}
		t.Skipf("no OS keychain here (%s); make test runs this under a real gnome-keyring", strings.TrimSpace(r.stdout))
	}
}

// healthyCheck is an ad-hoc check of the sandbox's healthy scenario, and the query
// for its cached token (dropped from the keychain when the test ends).
func healthyCheck(t *testing.T, slots int) (args []string, secret string, q vaultQuery) {
	t.Helper()
	s, err := sandbox.Start(sandbox.Config{LicenseSlots: slots})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	sc, _ := s.Scenario("healthy")
	q = vaultQuery{Endpoint: sc.Authority + "/connect/token", ClientID: sc.ClientID, Scopes: "read update", Secret: sc.ClientSecret}
	t.Cleanup(func() {
		d := q
		d.Drop = true
		runChildMode(t, "vault", d, nil)
	})
	return []string{"check", "--instance", sc.Instance, "--client-id", sc.ClientID, "--scope", sc.Scope}, sc.ClientSecret, q
}

// TestProcessesReuseOneSession: consecutive check processes against a sandbox with
// 3 licence slots all pass; the first opens the session, the others reuse it.
func TestProcessesReuseOneSession(t *testing.T) {
	requireRealKeychain(t)
	args, secret, _ := healthyCheck(t, 3)
	env := []string{"TRUSTEDAPP_SECRET=" + secret, "TRUSTEDAPP_AUDIT=" + filepath.Join(testdir.New(t), "audit.jsonl")}
	for i := range 6 {
		r := runCLIProcess(t, env, args...)
		if r.code != exitOK {
			t.Fatalf("process %d: exit %d\n%s\n%s", i+1, r.code, r.stdout, r.stderr)
		}
		want := "reused the ERP.net session"
		if i == 0 {
			want = "opened a new ERP.net session"
		}
		if !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "kept in "+platform.Keychain()) {
			t.Errorf("process %d:\n%s", i+1, r.stdout)
		}
	}
	// --fresh still forces a new token, whose first call opens a second session.
	r := runCLIProcess(t, env, append(args, "--fresh")...)
	if r.code != exitOK || !strings.Contains(r.stdout, "opened a new ERP.net session") {
		t.Errorf("--fresh: exit %d\n%s", r.code, r.stdout)
	}
}

// TestProcessesWithoutKeychain: with no D-Bus session (a server, SSH), the token stays
// in the process; the report says so and why the next process opens a new session.
func TestProcessesWithoutKeychain(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the Secret Service (D-Bus) is Linux's keychain")
	}
	args, secret, _ := healthyCheck(t, 10)
	env := []string{"TRUSTEDAPP_SECRET=" + secret, "TRUSTEDAPP_AUDIT=" + filepath.Join(testdir.New(t), "audit.jsonl"),
		"DBUS_SESSION_BUS_ADDRESS=unix:path=" + filepath.Join(testdir.New(t), "no-bus"), "PATH=/nonexistent"}
	for i := range 2 {
		r := runCLIProcess(t, env, args...)
		if r.code != exitOK || !strings.Contains(r.stdout, "opened a new ERP.net session") ||
			!strings.Contains(r.stdout, "kept in memory only (the Secret Service keyring is not available (there is no D-Bus session") {
			t.Fatalf("process %d: exit %d\n%s\n%s", i+1, r.code, r.stdout, r.stderr)
		}
	}
}

// TestProcessesAtOnce: ten processes at once all pass (the default ten slots hold
// every session racing processes may open), the keychain ends with one usable token
// that the next process reuses, and that token is in no file, report, log or output.
func TestProcessesAtOnce(t *testing.T) {
	requireRealKeychain(t)
	args, secret, q := healthyCheck(t, 10)
	dir := testdir.New(t)
	env := []string{"TRUSTEDAPP_SECRET=" + secret, "TRUSTEDAPP_AUDIT=" + filepath.Join(dir, "audit.jsonl"),
		"TRUSTEDAPP_STORE=" + filepath.Join(dir, "profiles.json")}
	var wg sync.WaitGroup
	results := make([]childResult, 10)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = runCLIProcess(t, env, append(args, "--report", filepath.Join(dir, fmt.Sprintf("r%d.md", i)))...)
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r.code != exitOK {
			t.Errorf("process %d: exit %d\n%s\n%s", i, r.code, r.stdout, r.stderr)
		}
	}
	next := runCLIProcess(t, env, append(args, "--json")...)
	var doc struct {
		Token struct {
			FromCache bool `json:"from_cache"`
		} `json:"token"`
		Session struct {
			TokenReuse string `json:"token_reuse"`
		} `json:"session"`
	}
	if err := json.Unmarshal([]byte(next.stdout), &doc); err != nil || !doc.Token.FromCache || doc.Session.TokenReuse != check.KeptInKeychain {
		t.Fatalf("the process after them: %v %+v\n%s", err, doc, next.stderr)
	}
	tok := runChildMode(t, "vault", q, nil).stdout
	if len(tok) < 100 {
		t.Fatalf("no cached token in the keychain: %q", tok)
	}
	var outputs []string
	for _, r := range append(results, next) {
		outputs = append(outputs, r.stdout, r.stderr)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		outputs = append(outputs, f+"\n"+string(b))
	}
	if len(files) < 21 {
		t.Errorf("only %d files (10 reports as .md and .json, and the audit log)", len(files))
	}
	for _, o := range outputs {
		if strings.Contains(o, tok) || strings.Contains(o, secret) {
			t.Errorf("the cached token or the secret leaked into: %.200s", o)
		}
	}
}

// Ten `profiles add` processes at once on one store: every one exits 0 and every
// profile is in the file (without the store's lock, typically 1 to 3 of 10 survived,
// and every process exited 0). profiles.TestTenWriterProcessesLoseNothing runs 10 x 10
// with adds and edits; this runs the real command line.
func TestProfilesAddFromTenProcesses(t *testing.T) {
	const writers, trials = 10, 3
	for trial := range trials {
		store := filepath.Join(testdir.New(t), "p.json")
		var wg sync.WaitGroup
		results := make([]childResult, writers)
		errs := make([]error, writers)
		for w := range writers {
			cmd := childCommand(t, "cli", []string{"profiles", "add", fmt.Sprintf("writer %02d", w), "--instance", "https://acme.my.erp.net", "--client-id", "c", "--store", store}, nil)
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[w], errs[w] = runChild(cmd)
			}()
		}
		wg.Wait()
		for w, r := range results {
			if errs[w] != nil || r.code != exitOK || !strings.Contains(r.stdout, "Added profile") {
				t.Errorf("trial %d, writer %d: exit %d, %v\n%s%s", trial, w, r.code, errs[w], r.stdout, r.stderr)
			}
		}
		r := runCLI(t, store, nil, "list", "--json")
		if n := strings.Count(r.stdout, `"name": "writer `); n != writers {
			t.Fatalf("trial %d: %d of %d profiles survived:\n%s", trial, n, writers, r.stdout)
		}
	}
}

// rm --sandbox where no keychain answers at all (no D-Bus session: a server, SSH):
// every sandbox profile is deleted, the user's own stays, and the secrets the real
// keychain could not be asked to remove are listed (exit 3).
func TestProcessRmSandboxWithoutKeychain(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the Secret Service (D-Bus) is Linux's keychain")
	}
	store := sandboxStore(t, "Sandbox: healthy", "Sandbox: disabled", "Sandbox: basic-auth")
	noBus := []string{"DBUS_SESSION_BUS_ADDRESS=unix:path=" + filepath.Join(testdir.New(t), "no-bus"), "PATH=/nonexistent"}
	r := runCLIProcess(t, noBus, "profiles", "rm", "--sandbox", "--store", store)
	want := []string{
		"trustedapp-check profiles: the Secret Service keyring could not be used, so the secrets of these deleted sandbox profiles may still be in it: The Secret Service keyring is not available (there is no D-Bus session",
		"Remove them by hand from the Secret Service keyring once it works (service \"trustedapp-tester\"):\n" +
			"  account \"Sandbox: basic-auth\"\n  account \"Sandbox: disabled\"\n  account \"Sandbox: healthy\"\n",
	}
	if r.code != exitEnvironment || r.stdout != "Deleted 3 sandbox profiles; your own profiles are unchanged.\n" ||
		!strings.Contains(r.stderr, want[0]) || !strings.HasSuffix(r.stderr, want[1]) {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	r = runCLIProcess(t, noBus, "profiles", "list", "--store", store)
	if r.code != exitOK || !strings.Contains(r.stdout, "Acme Prod") || strings.Contains(r.stdout, "Sandbox:") {
		t.Errorf("list after rm --sandbox: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
