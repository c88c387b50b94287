// Command trustedapp-check is the headless face of Trusted App Tester: it runs the same
// engine as the desktop app, for scripts and CI. It never needs cgo or a display.
//
// Exit codes (also in --help and the README):
//
//	0  success (a check passed; warnings do not fail unless --strict)
//	1  a check ran and failed (or warned, with --strict)
//	2  usage error: unknown command or flag, missing argument
//	3  environment error: profile store unreadable, profile or secret missing,
//	   keyring unavailable, a server that could not start
//	4  interrupted (Ctrl-C) before the command finished
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"trustedapp-tester/internal/version"
)

// Exit codes.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitEnvironment = 3
	exitInterrupted = 4
)

// env is what a subcommand gets: its arguments, streams and a context cancelled on
// SIGINT/SIGTERM. Tests call run() with their own env.
type env struct {
	ctx    context.Context
	args   []string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// ctxOrBackground keeps tests that build env without ctx working.
func ctxOrBackground(c context.Context) context.Context {
	if c == nil {
		return context.Background()
	}
	return c
}

// commands are trustedapp-check's commands, in the order its usage lists them.
func commands() []command {
	return []command{
		{name: "check", summary: "test a profile's Trusted App: reachability, discovery, token, claims, API calls",
			run: leaf("check", "Run 'trustedapp-check check --help' for the flags.\n", parseCheck, checkRun)},
		{name: "token", summary: "print a profile's access token (for scripts: curl -H \"Authorization: Bearer $(...)\")",
			run: leaf("token", "", parseToken, tokenRun)},
		{name: "record", summary: "read a Trusted App record and check the fields client credentials needs",
			run: leaf("record", "\n"+recordUsage, parseRecord, recordRun)},
		{name: "secret", summary: "make a new client secret and the record values to enter; hash a secret",
			run: runSecret},
		{name: "explain", summary: "explain an error someone pasted (stdin): causes, Trusted App fields, fix",
			run: leaf("explain", "", parseExplain, explainRun)},
		{name: "diff", summary: "compare two profiles, or two runs of one from History, side by side",
			run: leaf("diff", "Run 'trustedapp-check diff --help' for the usage.\n", parseDiff, diffRun)},
		{name: "watch", summary: "check profiles every few minutes and publish Prometheus metrics (or --once, for cron)",
			run: leaf("watch", "Run 'trustedapp-check watch --help' for the flags.\n", parseWatch, watchRun)},
		{name: "profiles", summary: "list, show, add, edit, remove, import and export connection profiles",
			run: runProfiles},
		{name: "sandbox", summary: "run a local ERP.net instance emulator with Trusted App scenarios",
			run: leaf("sandbox", "", parseSandbox, sandboxRun)},
		{name: "version", aliases: []string{"--version", "-version"}, summary: "print the version",
			run: leaf("version", "", func(e env) (env, error) { return e, nil }, versionRun)},
	}
}

const usageText = `trustedapp-check: test ERP.net Trusted Applications (OAuth2 client credentials)

Usage:
  trustedapp-check <command> [flags] [arguments]

Commands:
%s
Run 'trustedapp-check <command> --help' for a command's flags.

Exit codes:
  0  success (warnings do not fail unless --strict)
  1  a check ran and failed (or warned, with --strict)
  2  usage error
  3  environment error (store, profile, secret, keyring, server start)
  4  interrupted before the command finished

Environment:
  TRUSTEDAPP_STORE  profile store file (default: the user config directory);
                    the desktop app reads the same variable
  TRUSTEDAPP_AUDIT  audit log of token requests and API calls (default: the
                    user data directory); shared with the desktop app
  TRUSTEDAPP_SECRET client secret for an ad-hoc check (never an argument)
`

// mainUsage is the top-level usage, with the list of commands.
func mainUsage() string {
	list := ""
	for _, c := range commands() {
		list += fmt.Sprintf("  %-9s %s\n", c.name, c.summary)
	}
	return fmt.Sprintf(usageText, list)
}

// run runs the command line in e and returns the exit code.
func run(e env) int {
	return group{usage: mainUsage(), cmds: commands(), unknown: func(e env, name string) int {
		return fail(e, "", "", withUsage(mainUsage(), fmt.Errorf("unknown command %q", name)))
	}}.run(e)
}

func versionRun(e env) error {
	v := version.Version
	if c := version.Commit(); c != "" {
		v += " (" + c + ")"
	}
	fmt.Fprintf(e.stdout, "trustedapp-check %s\n", v)
	return nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(env{ctx: ctx, args: os.Args[1:], stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr})
	stop()
	os.Exit(code)
}
