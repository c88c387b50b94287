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

type command struct {
	name    string
	summary string
	run     func(e env) int
}

func commands() []command {
	return []command{
		{"check", "test a profile's Trusted App: reachability, discovery, token, claims, API calls", runCheck},
		{"token", "print a profile's access token (for scripts: curl -H \"Authorization: Bearer $(...)\")", runToken},
		{"record", "read a Trusted App record and check the fields client credentials needs", runRecord},
		{"secret", "make a new client secret and the record values to enter; hash a secret", runSecret},
		{"explain", "explain an error someone pasted (stdin): causes, Trusted App fields, fix", runExplain},
		{"diff", "compare two profiles, or two runs of one from History, side by side", runDiff},
		{"profiles", "list, show, add, edit, remove, import and export connection profiles", runProfiles},
		{"sandbox", "run a local ERP.net instance emulator with Trusted App scenarios", runSandbox},
		{"version", "print the version", runVersion},
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

func usage(w io.Writer) {
	list := ""
	for _, c := range commands() {
		list += fmt.Sprintf("  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, usageText, list)
}

func run(e env) int {
	if len(e.args) == 0 {
		usage(e.stderr)
		return exitUsage
	}
	name := e.args[0]
	switch name {
	case "-h", "--help", "help":
		usage(e.stdout)
		return exitOK
	case "--version", "-version":
		name = "version"
	}
	for _, c := range commands() {
		if c.name == name {
			e.args = e.args[1:]
			return c.run(e)
		}
	}
	fmt.Fprintf(e.stderr, "trustedapp-check: unknown command %q\n\n", name)
	usage(e.stderr)
	return exitUsage
}

func runVersion(e env) int {
	v := version.Version
	if c := version.Commit(); c != "" {
		v += " (" + c + ")"
	}
	fmt.Fprintf(e.stdout, "trustedapp-check %s\n", v)
	return exitOK
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(env{ctx: ctx, args: os.Args[1:], stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr})
	stop()
	os.Exit(code)
}
