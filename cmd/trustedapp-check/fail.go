package main

import (
	"errors"
	"flag"
	"fmt"
)

// How a command fails. Every command parses its command line into an options value and
// then runs (command.go); both steps return nil or an error, and fail turns the error
// into what the user sees and the exit code. No command prints its own error line or
// returns a bare exit code.

// cliError is a failure with the exit code it carries.
type cliError struct {
	code int
	// msg is printed on stderr as "trustedapp-check NAME: msg"; "" when the command has
	// already said what went wrong (a failed check's report, refused profile fields).
	msg string
	// detail is printed on stderr after msg, in place of the command's hint: the whole
	// usage after a command line that does not parse, or lines that explain msg.
	detail string
}

func (e *cliError) Error() string {
	if e.msg == "" {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.msg
}

// usageErr is a usage error (exit 2); the command's hint follows it.
func usageErr(format string, a ...any) error {
	return &cliError{code: exitUsage, msg: fmt.Sprintf(format, a...)}
}

// envErr is an environment error (exit 3): the store, a profile, a secret, the
// keychain, a file, a server.
func envErr(format string, a ...any) error {
	return &cliError{code: exitEnvironment, msg: fmt.Sprintf(format, a...)}
}

// withUsage is a usage error followed by the command's whole usage (a command line
// that does not parse).
func withUsage(usage string, err error) error {
	return &cliError{code: exitUsage, msg: err.Error(), detail: "\n" + usage}
}

// exitWith ends a command that has said everything with code (a check that failed,
// differences found); nil for exitOK.
func exitWith(code int) error {
	if code == exitOK {
		return nil
	}
	return &cliError{code: code}
}

// errInterrupted is Ctrl-C (or SIGTERM) before the command finished; fail says it in
// the run's language.
var errInterrupted error = &cliError{code: exitInterrupted, msg: "interrupted"}

// helpText is what asking for help returns: the text goes to stdout and the exit code
// is 0 ("" when the flag package has already printed the flags).
type helpText string

func (h helpText) Error() string { return "help requested" }

// flagErr is what a command makes of an error from parsing its flags: -h or --help
// asks for help; anything else is a usage error followed by usage, or by the
// command's hint when usage is "".
func flagErr(err error, help, usage string) error {
	switch {
	case errors.Is(err, flag.ErrHelp):
		return helpText(help)
	case usage != "":
		return withUsage(usage, err)
	}
	return usageErr("%v", err)
}

// fail says on stderr what went wrong with the command named label ("" for the
// dispatcher) and returns the exit code: a *cliError's own, else exitEnvironment. A
// usage error with no detail of its own is followed by hint. The errors joined by
// errors.Join are said in turn; the first one's code is the exit code.
func fail(e env, label, hint string, err error) int {
	if err == nil {
		return exitOK
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		code := exitOK
		for _, part := range j.Unwrap() {
			if c := fail(e, label, hint, part); code == exitOK {
				code = c
			}
		}
		return code
	}
	var h helpText
	if errors.As(err, &h) {
		fmt.Fprint(e.stdout, string(h))
		return exitOK
	}
	var ce *cliError
	if !errors.As(err, &ce) {
		ce = &cliError{code: exitEnvironment, msg: err.Error()}
	}
	name := "trustedapp-check"
	if label != "" {
		name += " " + label
	}
	msg := ce.msg
	if err == errInterrupted {
		msg = lang.X("cli.interrupted", "interrupted")
	}
	if msg != "" {
		fmt.Fprintf(e.stderr, "%s: %s\n", name, msg)
	}
	switch {
	case ce.detail != "":
		fmt.Fprint(e.stderr, ce.detail)
	case ce.msg != "" && ce.code == exitUsage:
		fmt.Fprint(e.stderr, hint)
	}
	return ce.code
}
