package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/sentence"
	"trustedapp-tester/internal/version"
	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

// failureCase is one command line and everything a user or a script sees of it: the
// exit code and stdout and stderr to the letter. {dir} stands for the test's folder,
// {store} for the store in it.
type failureCase struct {
	name           string
	stdin          string
	prefix         bool // stderr starts with the text (the rest names a temporary file)
	noKeychain     bool // the system keychain refuses every request
	args           []string
	code           int
	stdout, stderr string
}

// failureCases pins how every command fails: the words, the hints after them, the
// stream they go to and the exit code. None of them reaches the network.
func failureCases() []failureCase {
	mainUsage := mainUsage()
	noKeychain := sentence.Capitalize(platform.Keychain()) + " is not available (no Secret Service is running): install and unlock GNOME Keyring, KWallet or KeePassXC, or use a session-only secret (kept in memory until the app closes)."
	return []failureCase{
		// The dispatcher.
		{name: "no command", code: exitUsage, stderr: mainUsage},
		{name: "unknown command", args: []string{"frob"}, code: exitUsage, stderr: "trustedapp-check: unknown command \"frob\"\n\n" + mainUsage},
		{name: "help", args: []string{"--help"}, code: exitOK, stdout: mainUsage},
		{name: "help word", args: []string{"help"}, code: exitOK, stdout: mainUsage},
		{name: "version flag", args: []string{"--version"}, code: exitOK, stdout: versionLine()},

		// check: a flag that does not parse is followed by the whole usage, any other
		// usage error by a pointer to --help.
		{name: "check bad flag", args: []string{"check", "--bogus"}, code: exitUsage,
			stderr: "trustedapp-check check: flag provided but not defined: -bogus\n\n" + checkUsage},
		{name: "check help", args: []string{"check", "--help"}, code: exitOK, stdout: checkUsage},
		{name: "check nothing to check", args: []string{"check"}, code: exitUsage,
			stderr: "trustedapp-check check: name a stored PROFILE, or give --instance URL --client-id ID (or --all)\nRun 'trustedapp-check check --help' for the flags.\n"},
		{name: "check parallel without all", args: []string{"check", "x", "--parallel", "2"}, code: exitUsage,
			stderr: "trustedapp-check check: --parallel only applies with --all\nRun 'trustedapp-check check --help' for the flags.\n"},
		{name: "check unknown profile", args: []string{"check", "nobody", "--store", "{store}"}, code: exitEnvironment,
			stderr: "trustedapp-check check: no profile named \"nobody\": check the name (list the profiles to see them) (see 'trustedapp-check profiles list', or check without a profile: --instance URL --client-id ID)\n"},
		{name: "check all of no profiles", args: []string{"check", "--all", "--store", "{dir}{sep}empty.json"}, code: exitEnvironment,
			stderr: "trustedapp-check check: the profile store {dir}{sep}empty.json has no profiles; add one with 'trustedapp-check profiles add'\n"},
		{name: "check token-stdin empty", args: []string{"check", "--instance", "https://127.0.0.1:9", "--client-id", "c", "--token-stdin"}, code: exitUsage,
			stderr: "trustedapp-check check: --token-stdin: stdin was empty; pipe the access token in, e.g. " + platform.Current().Pipe("token.txt", "trustedapp-check check PROFILE --token-stdin") + "\nRun 'trustedapp-check check --help' for the flags.\n"},

		// token: the whole usage after a flag, nothing after other usage errors.
		{name: "token bad flag", args: []string{"token", "--bogus"}, code: exitUsage,
			stderr: "trustedapp-check token: flag provided but not defined: -bogus\n\n" + tokenUsage},
		{name: "token help", args: []string{"token", "-h"}, code: exitOK, stdout: tokenUsage},
		{name: "token nothing", args: []string{"token"}, code: exitUsage,
			stderr: "trustedapp-check token: name a stored PROFILE, or give --instance URL --client-id ID (or --all)\n"},
		{name: "token unknown profile", args: []string{"token", "nobody", "--store", "{store}"}, code: exitEnvironment,
			stderr: "trustedapp-check token: no profile named \"nobody\": check the name (list the profiles to see them) (see 'trustedapp-check profiles list', or check without a profile: --instance URL --client-id ID)\n"},

		// record: the whole usage after every usage error.
		{name: "record bad flag", args: []string{"record", "--bogus"}, code: exitUsage,
			stderr: "trustedapp-check record: flag provided but not defined: -bogus\n\n" + recordUsage},
		{name: "record help", args: []string{"record", "--help"}, code: exitOK, stdout: recordUsage},
		{name: "record nothing", args: []string{"record"}, code: exitUsage,
			stderr: "trustedapp-check record: name a stored PROFILE, or give --instance URL --client-id ID (or --all)\n\n" + recordUsage},
		{name: "record with and instance", args: []string{"record", "--with", "r", "--instance", "https://a.example"}, code: exitUsage,
			stderr: "trustedapp-check record: --with reads on READER's instance: give PROFILE or --client-id, not --instance\n\n" + recordUsage},
		{name: "record from form without a subject", args: []string{"record", "--from-form", "-"}, code: exitUsage,
			stderr: "trustedapp-check record: name the PROFILE whose record the form shows, or give --client-id ID\n\n" + recordUsage},
		{name: "record from form with a reader", args: []string{"record", "--from-form", "f.txt", "--with", "r", "--client-id", "c"}, code: exitUsage,
			stderr: "trustedapp-check record: --from-form checks the values copied from the form: no token reads them, so give no --with\n\n" + recordUsage},
		{name: "record from form and secret on stdin", args: []string{"record", "--from-form", "-", "--secret-stdin", "--client-id", "c"}, code: exitUsage,
			stderr: "trustedapp-check record: --from-form - and --secret-stdin both read stdin: put the form's values in a file\n\n" + recordUsage},
		{name: "record unknown reader", args: []string{"record", "--with", "nobody", "--client-id", "c", "--store", "{store}"}, code: exitEnvironment,
			stderr: "trustedapp-check record: no profile named \"nobody\": check the name (list the profiles to see them) (see 'trustedapp-check profiles list', or check without a profile: --instance URL --client-id ID)\n"},

		// secret: NAME is "secret SUB"; every usage error points to --help.
		{name: "secret nothing", args: []string{"secret"}, code: exitUsage, stderr: secretUsage},
		{name: "secret help", args: []string{"secret", "--help"}, code: exitOK, stdout: secretUsage},
		{name: "secret new help", args: []string{"secret", "new", "--help"}, code: exitOK, stdout: secretUsage},
		{name: "secret unknown", args: []string{"secret", "rotate"}, code: exitUsage,
			stderr: "trustedapp-check secret rotate: unknown subcommand \"rotate\": use new, hash or export\nRun 'trustedapp-check secret --help' for the usage.\n"},
		{name: "secret bad flag", args: []string{"secret", "new", "--bogus"}, code: exitUsage,
			stderr: "trustedapp-check secret new: flag provided but not defined: -bogus\nRun 'trustedapp-check secret --help' for the usage.\n"},
		{name: "secret argument", args: []string{"secret", "hash", "s3cret"}, code: exitUsage,
			stderr: "trustedapp-check secret hash: unexpected argument \"s3cret\": name the profile with --profile NAME; a secret is never an argument (it would stay in shell history and the process list)\nRun 'trustedapp-check secret --help' for the usage.\n"},
		{name: "secret hash empty stdin", args: []string{"secret", "hash"}, code: exitUsage,
			stderr: "trustedapp-check secret hash: no secret on stdin (it was empty): pipe the secret in, e.g. " + platform.Current().Pipe("secret.txt", "trustedapp-check secret hash") + "\nRun 'trustedapp-check secret --help' for the usage.\n"},
		{name: "secret export unknown profile", args: []string{"secret", "export", "--profile", "nobody", "--store", "{store}"}, code: exitEnvironment,
			stderr: "trustedapp-check secret export: no profile named \"nobody\": check the name (list the profiles to see them) (see 'trustedapp-check profiles list')\n"},

		// diff: every usage error points to --help.
		{name: "diff bad flag", args: []string{"diff", "--bogus"}, code: exitUsage,
			stderr: "trustedapp-check diff: flag provided but not defined: -bogus\nRun 'trustedapp-check diff --help' for the usage.\n"},
		{name: "diff help", args: []string{"diff", "--help"}, code: exitOK, stdout: diffUsage},
		{name: "diff one side", args: []string{"diff", "a"}, code: exitUsage,
			stderr: "trustedapp-check diff: give two things to compare (PROFILE, PROFILE@N or @RUN); got 1\nRun 'trustedapp-check diff --help' for the usage.\n"},
		{name: "diff bad timeout", args: []string{"diff", "a", "b", "--timeout", "soon"}, code: exitUsage,
			stderr: "trustedapp-check diff: --timeout \"soon\": write a duration such as 30s or 2m (or whole seconds)\nRun 'trustedapp-check diff --help' for the usage.\n"},
		{name: "diff runs of two", args: []string{"diff", "--runs", "a", "b"}, code: exitUsage,
			stderr: "trustedapp-check diff: --runs lists the runs of one profile (or of all): give at most one PROFILE\nRun 'trustedapp-check diff --help' for the usage.\n"},
		{name: "diff unknown run", args: []string{"diff", "@abcd", "@abce"}, code: exitUsage,
			stderr: "trustedapp-check diff: run \"abcd\": no run with that id in History (History keeps the newest runs only); 'trustedapp-check diff --runs' lists them\nRun 'trustedapp-check diff --help' for the usage.\n"},
		{name: "diff unknown profile", args: []string{"diff", "nobody", "@abcd", "--store", "{store}"}, code: exitEnvironment,
			stderr: "trustedapp-check diff: no profile named \"nobody\": check the name (list the profiles to see them) (see 'trustedapp-check profiles list'; History runs are PROFILE@N or @RUN)\n"},

		// explain: the whole usage after a command line that does not parse.
		{name: "explain bad flag", args: []string{"explain", "--bogus"}, code: exitUsage,
			stderr: "trustedapp-check explain: flag provided but not defined: -bogus\n\n" + explainUsage},
		{name: "explain argument", args: []string{"explain", "invalid_client"}, code: exitUsage,
			stderr: "trustedapp-check explain: unexpected argument \"invalid_client\": pipe the text in on stdin (an argument would stay in shell history with any secret in it)\n\n" + explainUsage},
		{name: "explain empty stdin", args: []string{"explain"}, code: exitUsage,
			stderr: "trustedapp-check explain: stdin was empty; pipe the error in, e.g. " + platform.Current().Pipe("error.txt", "trustedapp-check explain") + "\n"},
		{name: "explain help", args: []string{"explain", "--help"}, code: exitOK, stdout: explainUsage},

		// watch: the whole usage after a flag that does not parse, else a pointer to --help.
		{name: "watch bad flag", args: []string{"watch", "--bogus"}, code: exitUsage,
			stderr: "trustedapp-check watch: flag provided but not defined: -bogus\n\n" + watchUsage},
		{name: "watch help", args: []string{"watch", "--help"}, code: exitOK, stdout: watchUsage},
		{name: "watch nothing to watch", args: []string{"watch", "--metrics-file", "{dir}{sep}m.prom"}, code: exitUsage,
			stderr: "trustedapp-check watch: name the profiles to watch, or give --all\nRun 'trustedapp-check watch --help' for the flags.\n"},
		{name: "watch nowhere to publish", args: []string{"watch", "--all"}, code: exitUsage,
			stderr: "trustedapp-check watch: nowhere to publish the metrics: give --metrics-file FILE, --listen ADDR, or both\nRun 'trustedapp-check watch --help' for the flags.\n"},
		{name: "watch too often", args: []string{"watch", "--all", "--every", "1s", "--metrics-file", "{dir}{sep}m.prom"}, code: exitUsage,
			stderr: "trustedapp-check watch: --every 1s: use at least 10s (a check takes seconds, and each one is logged)\nRun 'trustedapp-check watch --help' for the flags.\n"},
		{name: "watch once listening", args: []string{"watch", "--all", "--once", "--listen", "9464"}, code: exitUsage,
			stderr: "trustedapp-check watch: --once exits after one round, so nothing could scrape --listen: use --metrics-file with --once\nRun 'trustedapp-check watch --help' for the flags.\n"},
		{name: "watch unknown profile", args: []string{"watch", "nobody", "--once", "--metrics-file", "{dir}{sep}m.prom", "--store", "{store}"}, code: exitEnvironment,
			stderr: "trustedapp-check watch: none of the profiles to watch is in {store} (see 'trustedapp-check profiles list')\n"},
		{name: "watch all of no profiles", args: []string{"watch", "--all", "--once", "--metrics-file", "{dir}{sep}m.prom", "--store", "{dir}{sep}empty.json"}, code: exitEnvironment,
			stderr: "trustedapp-check watch: the profile store {dir}{sep}empty.json has no profiles; add one with 'trustedapp-check profiles add'\n"},

		// sandbox: the whole usage after a command line that does not parse; its help
		// adds the --config format.
		{name: "sandbox bad flag", args: []string{"sandbox", "--bogus"}, code: exitUsage,
			stderr: "trustedapp-check sandbox: flag provided but not defined: -bogus\n\n" + sandboxUsage},
		{name: "sandbox argument", args: []string{"sandbox", "extra"}, code: exitUsage,
			stderr: "trustedapp-check sandbox: unexpected argument \"extra\" (the command takes flags only)\n\n" + sandboxUsage},
		{name: "sandbox bad lifetime", args: []string{"sandbox", "--token-lifetime", "soon"}, code: exitUsage,
			stderr: "trustedapp-check sandbox: --token-lifetime \"soon\" is not a duration of at least 1s: write e.g. 30s, 5m or 1h\n"},
		{name: "sandbox bad slots", args: []string{"sandbox", "--licence-slots", "-2"}, code: exitUsage,
			stderr: "trustedapp-check sandbox: --licence-slots -2: use a number from 1 to 10000\n"},
		{name: "sandbox help", args: []string{"sandbox", "--help"}, code: exitOK, stdout: sandboxUsage + sandbox.ConfigFileHelp + "\n"},

		// profiles: NAME is "profiles"; the flag package explains its own errors.
		{name: "profiles nothing", args: []string{"profiles"}, code: exitUsage, stderr: profilesUsage},
		{name: "profiles help", args: []string{"profiles", "help"}, code: exitOK, stdout: profilesUsage},
		{name: "profiles unknown", args: []string{"profiles", "frob"}, code: exitUsage,
			stderr: "trustedapp-check profiles: unknown subcommand \"frob\"\n\n" + profilesUsage},
		{name: "profiles bad flag", args: []string{"profiles", "list", "--bogus"}, code: exitUsage,
			stderr: "flag provided but not defined: -bogus\nUsage of profiles list:\n  -json\n    \tprint JSON\n  -store FILE\n    \tprofile store FILE (default: " + platform.Current().Env("TRUSTEDAPP_STORE") + " or the user config directory)\n"},
		{name: "profiles list help", args: []string{"profiles", "list", "-h"}, code: exitOK,
			stderr: "Usage of profiles list:\n  -json\n    \tprint JSON\n  -store FILE\n    \tprofile store FILE (default: " + platform.Current().Env("TRUSTEDAPP_STORE") + " or the user config directory)\n"},
		{name: "profiles show no name", args: []string{"profiles", "show"}, code: exitUsage,
			stderr: "trustedapp-check profiles: usage: trustedapp-check profiles show NAME [--json] [--store FILE]\n"},
		{name: "profiles show unknown", args: []string{"profiles", "show", "nobody", "--store", "{store}"}, code: exitEnvironment,
			stderr: "trustedapp-check profiles: no profile named \"nobody\": check the name (list the profiles to see them)\n"},
		{name: "profiles add invalid", args: []string{"profiles", "add", "Bad", "--instance", "https://id.erp.net", "--scope", "read openid", "--store", "{store}"}, code: exitUsage,
			stderr: "error: instance_url (--instance): id.erp.net is ERP.net's global identity server, not an instance: enter the instance root, e.g. https://acme.my.erp.net\n" +
				"error: client_id (--client-id): is empty: enter the Trusted App's ApplicationUri\n" +
				"warning: scopes[1] (--scope): \"openid\" is never granted to a service (client credentials) app, so the token request may fail with invalid_scope: remove it\n" +
				"The profile was not added.\n"},
		{name: "profiles add bad auth", args: []string{"profiles", "add", "X", "--auth", "jwt", "--store", "{store}"}, code: exitUsage,
			stderr: "trustedapp-check profiles: --auth \"jwt\": use post (form body, the default) or basic (HTTP Basic header)\n"},
		{name: "profiles add fractional timeout", args: []string{"profiles", "add", "X", "--timeout", "1500ms", "--store", "{store}"}, code: exitUsage,
			stderr: "trustedapp-check profiles: --timeout \"1500ms\": a profile keeps whole seconds: use e.g. 2s\n"},
		{name: "profiles edit nothing", args: []string{"profiles", "edit", "Kept", "--store", "{store}"}, code: exitUsage,
			stderr: "trustedapp-check profiles: edit: give at least one profile flag to change, e.g. --scope \"read update\" (see 'trustedapp-check profiles --help')\n"},
		{name: "profiles edit invalid", args: []string{"profiles", "edit", "Kept", "--client-id", "", "--store", "{store}"}, code: exitUsage,
			stderr: "error: client_id (--client-id): is empty: enter the Trusted App's ApplicationUri\nThe profile was not changed.\n"},
		{name: "profiles rm neither", args: []string{"profiles", "rm", "--store", "{store}"}, code: exitUsage,
			stderr: "trustedapp-check profiles: give either one profile NAME or --sandbox (usage: rm NAME|--sandbox [--store FILE])\n"},
		{name: "profiles rename unknown", args: []string{"profiles", "rename", "nobody", "other", "--store", "{store}"}, code: exitEnvironment,
			stderr: "trustedapp-check profiles: no profile named \"nobody\": check the name (list the profiles to see them)\n"},
		{name: "profiles duplicate unknown", args: []string{"profiles", "duplicate", "nobody", "other", "--store", "{store}"}, code: exitEnvironment,
			stderr: "trustedapp-check profiles: no profile named \"nobody\": check the name (list the profiles to see them)\n"},
		{name: "profiles import bad conflict", args: []string{"profiles", "import", "-", "--on-conflict", "merge", "--store", "{store}"}, code: exitUsage,
			stderr: "trustedapp-check profiles: --on-conflict \"merge\": use skip, rename or replace\n"},
		{name: "profiles import missing file", args: []string{"profiles", "import", "{dir}{sep}nope.json", "--store", "{store}"}, code: exitEnvironment,
			stderr: "trustedapp-check profiles: cannot open the import file: open {dir}{sep}nope.json: {enoent}\n"},
		{name: "profiles import not a bundle", stdin: "{\"kind\":\"other\"}", args: []string{"profiles", "import", "-", "--store", "{store}"}, code: exitUsage,
			stderr: "trustedapp-check profiles: the import file is a \"other\", not a profile bundle (\"trustedapp-tester/profiles\"): export one with 'profiles export'\n"},
		{name: "profiles recover nothing", args: []string{"profiles", "recover", "--store", "{store}"}, code: exitUsage,
			stderr: "trustedapp-check profiles: there is no damaged store file beside {store} to recover from (they are named p.json.corrupt-TIME): name the file to read\n"},
		{name: "profiles export unwritable", args: []string{"profiles", "export", "-o", "{dir}{sep}missing{sep}x.json", "--store", "{store}"}, code: exitEnvironment,
			stderr: "trustedapp-check profiles: cannot write the export: open {dir}{sep}missing{sep}.x.json.tmp-", prefix: true},
		{name: "profiles set-secret argument", args: []string{"profiles", "set-secret", "Kept", "s3cret", "--store", "{store}"}, code: exitUsage,
			stderr: "trustedapp-check profiles: set-secret takes only the profile name: the secret is read from stdin or a no-echo prompt, never from the command line (where it would stay in shell history and the process list)\n"},
		{name: "profiles set-secret empty", args: []string{"profiles", "set-secret", "Kept", "--store", "{store}"}, code: exitUsage,
			stderr: "trustedapp-check profiles: no secret on stdin (it was empty): pipe the secret in, e.g. " + platform.Current().Pipe("secret.txt", "trustedapp-check profiles set-secret NAME") + "\n"},
		{name: "profiles set-secret no keychain", noKeychain: true, stdin: "s3cret", args: []string{"profiles", "set-secret", "Kept", "--store", "{store}"}, code: exitEnvironment,
			stderr: "trustedapp-check profiles: " + noKeychain + "\nThe command line cannot keep a session-only secret between commands; the secret was not stored anywhere.\n"},
		{name: "profiles rm-secret no keychain", noKeychain: true, args: []string{"profiles", "rm-secret", "Kept", "--store", "{store}"}, code: exitEnvironment,
			stderr: "trustedapp-check profiles: " + noKeychain + "\n"},
		{name: "check no keychain", noKeychain: true, args: []string{"check", "Kept", "--store", "{store}"}, code: exitEnvironment,
			stderr: "trustedapp-check check: " + noKeychain + "\n"},
		{name: "secret new no keychain", noKeychain: true, args: []string{"secret", "new", "--profile", "Kept", "--store", "{store}"}, code: exitEnvironment,
			stderr: "trustedapp-check secret new: " + noKeychain + "\n"},
		{name: "profiles rm-secret unknown", args: []string{"profiles", "rm-secret", "nobody", "--store", "{store}"}, code: exitEnvironment,
			stderr: "trustedapp-check profiles: no profile named \"nobody\": check the name (list the profiles to see them)\n"},
	}
}

func versionLine() string {
	v := version.Version
	if c := version.Commit(); c != "" {
		v += " (" + c + ")"
	}
	return "trustedapp-check " + v + "\n"
}

// Every command fails the one way, with the words, streams and exit codes it always
// had (fail.go).
func TestEveryFailureKeepsItsWordsAndCode(t *testing.T) {
	keyring.MockInit()
	t.Setenv(SecretEnv, "")
	store := storeOf(t, profiles.Profile{Name: "Kept", InstanceURL: "https://acme.my.erp.net", ClientID: "c"})
	dir := filepath.Dir(store)
	// Paths and the OS's words for a missing file as this OS says them (the suite also
	// runs as a Windows program under Wine: make test-windows).
	_, missing := os.Open(filepath.Join(dir, "no-such-file"))
	enoent := missing.(*os.PathError).Err.Error()
	fill := strings.NewReplacer("{dir}", dir, "{store}", store, "{sep}", string(filepath.Separator), "{enoent}", enoent)
	for _, tc := range failureCases() {
		t.Run(tc.name, func(t *testing.T) {
			args := make([]string, len(tc.args))
			for i, a := range tc.args {
				args[i] = fill.Replace(a)
			}
			if tc.noKeychain {
				keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
				defer keyring.MockInit()
			}
			r := runArgs(t, context.Background(), tc.stdin, args...)
			wantOut, wantErr := fill.Replace(tc.stdout), fill.Replace(tc.stderr)
			gotErr := r.stderr
			if tc.prefix && strings.HasPrefix(gotErr, wantErr) {
				gotErr = wantErr
			}
			if r.code != tc.code || r.stdout != wantOut || gotErr != wantErr {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nwant:\n%s\nstderr:\n%s\nwant:\n%s", r.code, tc.code, r.stdout, wantOut, r.stderr, wantErr)
			}
		})
	}
	if b, _ := os.ReadFile(store); strings.Contains(string(b), "s3cret") {
		t.Error("a refused secret reached the store")
	}
}

// Every command and profiles subcommand is among the failure cases, so a new one gets
// its failures pinned too.
func TestFailureCasesCoverEveryCommand(t *testing.T) {
	seen := map[string]bool{}
	for _, tc := range failureCases() {
		if len(tc.args) > 0 {
			seen[tc.args[0]] = true
		}
		if len(tc.args) > 1 && tc.args[0] == "profiles" {
			seen["profiles "+tc.args[1]] = true
		}
	}
	var missing []string
	for _, c := range commands() {
		if c.name != "version" && !seen[c.name] {
			missing = append(missing, c.name)
		}
	}
	for _, c := range profilesCommands() {
		if !seen["profiles "+c.name] {
			missing = append(missing, "profiles "+c.name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("no failure case for: %s", strings.Join(missing, ", "))
	}
}

// fail: what each kind of error prints, where, and the exit code.
func TestFailSaysEachErrorOnce(t *testing.T) {
	for _, tc := range []struct {
		name           string
		err            error
		code           int
		stdout, stderr string
	}{
		{"nil", nil, exitOK, "", ""},
		{"usage error and hint", usageErr("bad %s", "flag"), exitUsage, "", "trustedapp-check x: bad flag\nsee --help\n"},
		{"usage error with its own detail", withUsage("USAGE\n", errors.New("bad")), exitUsage, "", "trustedapp-check x: bad\n\nUSAGE\n"},
		{"environment error, no hint", envErr("no store"), exitEnvironment, "", "trustedapp-check x: no store\n"},
		{"already said", exitWith(exitFailed), exitFailed, "", ""},
		{"help", helpText("HELP\n"), exitOK, "HELP\n", ""},
		{"any other error", errors.New("disk full"), exitEnvironment, "", "trustedapp-check x: disk full\n"},
		{"wrapped", fmt.Errorf("while saving: %w", usageErr("refused")), exitUsage, "", "trustedapp-check x: refused\nsee --help\n"},
		{"joined: each in turn, the first one's code", errors.Join(envErr("first"), nil, usageErr("second")), exitEnvironment, "",
			"trustedapp-check x: first\ntrustedapp-check x: second\nsee --help\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb strings.Builder
			code := fail(env{stdout: &out, stderr: &errb}, "x", "see --help\n", tc.err)
			if code != tc.code || out.String() != tc.stdout || errb.String() != tc.stderr {
				t.Errorf("exit %d, want %d\nstdout %q, want %q\nstderr %q, want %q", code, tc.code, out.String(), tc.stdout, errb.String(), tc.stderr)
			}
		})
	}
	if exitWith(exitOK) != nil {
		t.Error("exitWith(exitOK) is an error")
	}
}

// Parsing alone fills a command's options (the seam cli/cli's NewCmdX has with runF):
// nothing is opened, read or sent before the run.
func TestCommandsParseIntoOptions(t *testing.T) {
	e := func(args ...string) env {
		return env{ctx: context.Background(), args: args, stdin: strings.NewReader("")}
	}
	c, err := parseCheck(e("Acme", "--no-api", "--timeout", "1500ms", "--store", "/nonexistent/p.json"))
	if err != nil || len(c.names) != 1 || c.names[0] != "Acme" || !c.noAPI || c.callTimeout.String() != "1.5s" || c.store != "/nonexistent/p.json" {
		t.Errorf("check: %v %+v", err, c)
	}
	if opts := c.runOptions(upToToken); opts.Mode != check.NoAPI || opts.Timeout != c.callTimeout {
		t.Errorf("check --no-api runs with %+v", opts)
	}
	tk, err := parseToken(e("--instance", "https://a.example", "--client-id", "x", "--fresh"))
	if err != nil || !tk.set["instance"] || !tk.fresh || len(tk.names) != 0 {
		t.Errorf("token: %v %+v", err, tk)
	}
	if opts := tk.runOptions(tokenOnly); opts.Mode != check.TokenOnly || !opts.Fresh {
		t.Errorf("token runs with %+v", opts)
	}
	rm, err := parseRm(e("--sandbox"))
	if err != nil || !rm.sandbox || rm.name != "" {
		t.Errorf("profiles rm: %v %+v", err, rm)
	}
	im, err := parseImport(e("bundle.json", "--on-conflict", "rename"))
	if err != nil || im.file != "bundle.json" || im.onConflict != profiles.ConflictRename {
		t.Errorf("profiles import: %v %+v", err, im)
	}
	sn, err := parseSecret("new")(e("--profile", "Acme", "--replace", "--export", "t.json"))
	if err != nil || sn.profile != "Acme" || !sn.replace || sn.export != "t.json" {
		t.Errorf("secret new: %v %+v", err, sn)
	}
	if _, err := parseSecret("hash")(e("--replace")); err == nil {
		t.Error("secret hash took --replace, a flag of secret new")
	}
	d, err := parseDiff(e("--runs", "Acme", "--limit", "0", "--json"))
	if err != nil || !d.runs || d.limit != 0 || !d.json || len(d.names) != 1 {
		t.Errorf("diff: %v %+v", err, d)
	}
	sb, err := parseSandbox(e("--licence-slots", "3", "--token-lifetime", "30s", "--quiet"))
	if err != nil || sb.cfg.LicenseSlots != 3 || sb.cfg.TokenLifetime.String() != "30s" || !sb.quiet {
		t.Errorf("sandbox: %v %+v", err, sb)
	}
}
