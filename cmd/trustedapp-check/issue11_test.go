package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/zalando/go-keyring"

	"trustedapp-tester/internal/testdir"
)

// asCLIEnv makes the test binary run as trustedapp-check itself (its arguments after
// "--"), so tests can start real CLI processes.
const asCLIEnv = "TRUSTEDAPP_TEST_AS_CLI"

func init() {
	if os.Getenv(asCLIEnv) == "" {
		return
	}
	args := os.Args[1:]
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	keyring.MockInit()
	os.Exit(run(env{ctx: context.Background(), args: args, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}))
}

// cliProcess is the command line `trustedapp-check args...` as a separate process.
func cliProcess(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Skipf("cannot find the test binary to start CLI processes: %v", err)
	}
	cmd := exec.Command(exe, append([]string{"-test.run=^$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), asCLIEnv+"=1")
	return cmd
}

// Ten `profiles add` processes at once on one store: every one exits 0 and every
// profile is in the file (issue 11, item 1: typically 1 to 3 of 10 survived, and every
// process exited 0). profiles.TestTenWriterProcessesLoseNothing runs 10 x 10 with
// adds and edits; this runs the real command line.
func TestProfilesAddFromTenProcesses(t *testing.T) {
	const writers, trials = 10, 3
	for trial := range trials {
		store := filepath.Join(testdir.New(t), "p.json")
		var wg sync.WaitGroup
		outs := make([]string, writers)
		errs := make([]error, writers)
		for w := range writers {
			cmd := cliProcess(t, "profiles", "add", fmt.Sprintf("writer %02d", w), "--instance", "https://acme.my.erp.net", "--client-id", "c", "--store", store)
			wg.Add(1)
			go func() {
				defer wg.Done()
				out, err := cmd.CombinedOutput()
				outs[w], errs[w] = string(out), err
			}()
		}
		wg.Wait()
		for w := range writers {
			if errs[w] != nil || !strings.Contains(outs[w], "Added profile") {
				t.Errorf("trial %d, writer %d: %v\n%s", trial, w, errs[w], outs[w])
			}
		}
		r := runCLI(t, store, nil, "list", "--json")
		if n := strings.Count(r.stdout, `"name": "writer `); n != writers {
			t.Fatalf("trial %d: %d of %d profiles survived:\n%s", trial, n, writers, r.stdout)
		}
	}
}

// After "--" every argument is positional: "-o FILE" is two profile names, not an
// output file (the flag loop used to parse flags after "--").
func TestFlagsAfterDoubleDashAreArguments(t *testing.T) {
	keyring.MockInit()
	store := filepath.Join(testdir.New(t), "p.json")
	// (runCLI puts --store last, where "--" would make it a name: these pass it first)
	expect(t, runCLI(t, "", nil, "add", "--store", store, "--instance", "https://acme.my.erp.net", "--client-id", "c", "--", "-x"), 0, []string{`Added profile "-x"`}, nil)
	out := filepath.Join(testdir.New(t), "out.json")
	expect(t, runCLI(t, "", nil, "export", "--store", store, "--", "-x", "-o", out), 3, nil, []string{`no profile named "-o"`})
	if _, err := os.Stat(out); err == nil {
		t.Fatal("-o after -- was taken as a flag")
	}
	expect(t, runCLI(t, "", nil, "show", "--store", store, "--", "-x"), 0, []string{"Name:", "-x"}, nil)
	// "--" as a flag's value is a value, not the end of the flags.
	expect(t, runCLI(t, "", nil, "edit", "--store", store, "--notes", "--", "--scope", "read", "--", "-x"), 0, []string{`Updated profile "-x"`}, nil)
	r := runCLI(t, "", nil, "show", "--store", store, "--json", "--", "-x")
	if !strings.Contains(r.stdout, `"notes": "--"`) || !strings.Contains(r.stdout, `"read"`) {
		t.Fatalf("show:\n%s%s", r.stdout, r.stderr)
	}
	// check reads "--" the same way.
	r = runArgs(t, context.Background(), "", "check", "--store", store, "--", "--all")
	expect(t, r, 3, nil, []string{`no profile named "--all"`})
}

// Import names every profile escaped (a name cannot forge terminal output) and lists
// every security-relevant setting it brought in (issue 11, items 5 and 7).
func TestImportOutputIsEscapedAndReviewed(t *testing.T) {
	keyring.MockInit()
	store := filepath.Join(testdir.New(t), "p.json")
	bundle := filepath.Join(testdir.New(t), "b.json")
	os.WriteFile(bundle, []byte(`{"kind":"trustedapp-tester/profiles","schema":1,"profiles":[
	{"name":"evil\u001b[2J\u001b[1;32mVerdict: PASS\u202e","instance_url":"https://acme.my.erp.net","client_id":"c"},
	{"name":"Risky","instance_url":"https://acme.my.erp.net","client_id":"c","proxy":"http://proxy.evil.example:3128",
	 "token_endpoint":"https://collector.evil.example/token","tls":{"insecure_skip_verify":true},
	 "calls":[{"method":"DELETE","path":"/api/domain/odata/Crm_Sales_Customers(1)"}]}]}`), 0o600)
	r := runCLI(t, store, nil, "import", bundle)
	expect(t, r, 2, []string{
		`rejected  evil\x1b[2J\x1b[1;32mVerdict: PASS\u202e`,
		"name: contains a control character",
		"added     Risky",
		"Review these settings the import brought in",
		"    tls.insecure_skip_verify: TLS certificate verification is OFF",
		"    proxy: every request goes through the proxy http://proxy.evil.example:3128",
		"    token_endpoint: on another host than the instance (collector.evil.example, the instance is acme.my.erp.net): the client secret is sent there",
		"    calls[0]: DELETE /api/domain/odata/Crm_Sales_Customers(1) changes data on the instance",
	}, nil)
	if strings.ContainsAny(r.stdout+r.stderr, "\x1b\u202e") {
		t.Fatalf("raw control characters reached the terminal:\n%q", r.stdout)
	}
}

// A damaged store: every command says what was restored and from where, and names the
// command that brings back the rest; 'profiles recover' does (issue 11, item 2).
func TestProfilesRecover(t *testing.T) {
	keyring.MockInit()
	store := filepath.Join(testdir.New(t), "p.json")
	for _, n := range []string{"Alpha", "Beta", "Newest"} {
		expect(t, runCLI(t, store, nil, "add", n, "--instance", "https://acme.my.erp.net", "--client-id", "c"), 0, nil, nil)
	}
	raw, _ := os.ReadFile(store)
	os.WriteFile(store, []byte(strings.Replace(string(raw), `"Alpha"`, "\"Al\x00pha\"", 1)), 0o600)
	r := runCLI(t, store, nil, "list")
	expect(t, r, 0, []string{"Alpha", "Beta"}, []string{
		"warning: profile store " + store + " is damaged",
		`Restored 2 profiles from the backup ` + store + `.bak`,
		`The damaged file still holds 1 profile that the store now lacks or holds in an older version: "Newest".`,
		"trustedapp-check profiles recover " + store + ".corrupt-",
	})
	if strings.Contains(r.stdout, "Newest") {
		t.Fatal("Newest listed before the recovery")
	}
	expect(t, runCLI(t, store, nil, "recover"), 0, []string{"From " + store + ".corrupt-", "recovered Newest (it was missing)", "kept      Beta", "1 recovered, 0 replaced by the damaged file's newer version, 1 kept."}, nil)
	expect(t, runCLI(t, store, nil, "list"), 0, []string{"Newest"}, nil)
	expect(t, runCLI(t, store, nil, "recover"), 0, []string{"0 recovered"}, nil)
	// Nothing set aside, and a file that is not there.
	clean := filepath.Join(testdir.New(t), "q.json")
	expect(t, runCLI(t, clean, nil, "recover"), 2, nil, []string{"there is no damaged store file beside " + clean})
	expect(t, runCLI(t, store, nil, "recover", filepath.Join(testdir.New(t), "nope")), 3, nil, []string{"cannot open the damaged store file"})
}

// One list of methods and one call parser, one timeout parser: 'profiles add' and
// 'check' accept and refuse the same --call and --timeout values with the same words
// (issue 12: the CLI accepted MERGE, which validation refused, and read --timeout two
// ways).
func TestCallsAndTimeoutsReadOneWay(t *testing.T) {
	keyring.MockInit()
	store := filepath.Join(testdir.New(t), "p.json")
	t.Setenv(SecretEnv, "s")
	for _, c := range []struct{ flag, value, want string }{
		{"--call", "MERGE /x", "updates with PATCH: use PATCH"},
		{"--call", "FETCH /x", `"FETCH" is not an HTTP method an API call can use: use GET, POST, PATCH, PUT, DELETE, HEAD or OPTIONS`},
		{"--call", "GET", "write the method and the path"},
		{"--timeout", "11m", "use at most 600s"},
		{"--timeout", "soon", "write a duration such as 30s or 2m"},
		{"--timeout", "-3", "is negative"},
	} {
		want := []string{fmt.Sprintf("%s %q: ", c.flag, c.value), c.want}
		p := runCLI(t, store, nil, "add", "X", "--instance", "https://acme.my.erp.net", "--client-id", "c", c.flag, c.value)
		expect(t, p, 2, nil, want)
		k := runArgs(t, context.Background(), "", "check", "--instance", "https://127.0.0.1:9", "--client-id", "c", c.flag, c.value)
		expect(t, k, 2, nil, want)
	}
	// Accepted alike: a lower-case method, HEAD, whole seconds.
	expect(t, runCLI(t, store, nil, "add", "X", "--instance", "https://acme.my.erp.net", "--client-id", "c", "--call", "head /api/domain/currentmodel", "--timeout", "90"), 0, nil, nil)
	expect(t, runCLI(t, store, nil, "show", "X"), 0, []string{"HEAD /api/domain/currentmodel", "1m30s"}, nil)
	// A profile keeps whole seconds; a single run takes any duration.
	expect(t, runCLI(t, store, nil, "edit", "X", "--timeout", "1500ms"), 2, nil, []string{`--timeout "1500ms": a profile keeps whole seconds: use e.g. 2s`})
	if _, err := (&profileFields{timeout: "1500ms"}).timeoutFlag(map[string]bool{"timeout": true}); err != nil {
		t.Fatalf("check --timeout 1500ms: %v", err)
	}
}

// Reports are written atomically and as private as exports (0600).
func TestReportFilesArePrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no Unix modes: privacy comes from the user profile's ACLs")
	}
	dir := testdir.New(t)
	path := filepath.Join(dir, "r.md")
	if err := writeFile(path, func(w io.Writer) error { _, err := io.WriteString(w, "report"); return err }); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v %v", fi.Mode(), err)
	}
	if err := writeFile(filepath.Join(dir, "missing", "r.md"), func(io.Writer) error { return nil }); err == nil || !strings.Contains(err.Error(), "cannot write") {
		t.Fatalf("unwritable: %v", err)
	}
}
