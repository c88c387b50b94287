package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"trustedapp-tester/internal/testdir"
)

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

// One list of methods and one call parser, one timeout parser: 'profiles add' and
// 'check' accept and refuse the same --call and --timeout values with the same words
// (the CLI once accepted MERGE, which validation refused, and read --timeout two ways).
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
