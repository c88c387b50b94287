package main

import (
	"flag"
	"io"
	"slices"
)

// The one shape of a command, after cli/cli's NewCmdX and xRun: parseX reads the
// command line into the command's options value (flags, arguments, the streams), and
// xRun does the work. Both return nil or an error that carries the exit code (fail.go).
// A new command is an options type, its parse and run functions, and one line in
// commands() (main.go), or in its group's list (profiles, secret).

// command is one command or subcommand.
type command struct {
	name    string
	aliases []string
	summary string // the line in the top-level usage ("" for a subcommand)
	run     func(e env) int
}

// leaf is a command of the one shape: parse, then run; fail reports an error from
// either under label ("trustedapp-check LABEL: ..."), a usage error followed by hint.
func leaf[O any](label, hint string, parse func(env) (O, error), run func(O) error) func(env) int {
	return func(e env) int {
		o, err := parse(e)
		if err == nil {
			err = run(o)
		}
		return fail(e, label, hint, err)
	}
}

// group is a command made of subcommands: the top level, profiles, secret. With no
// argument it prints usage on stderr (exit 2); with help, on stdout.
type group struct {
	usage   string
	cmds    []command
	unknown func(e env, name string) int // a name that is none of cmds
}

func (g group) run(e env) int {
	e.args = withoutLeadingLang(e.args)
	if len(e.args) == 0 {
		return fail(e, "", "", &cliError{code: exitUsage, detail: g.usage})
	}
	name := e.args[0]
	if name == "-h" || name == "--help" || name == "help" {
		return fail(e, "", "", helpText(g.usage))
	}
	for _, c := range g.cmds {
		if c.name == name || slices.Contains(c.aliases, name) {
			e.args = e.args[1:]
			return c.run(e)
		}
	}
	return g.unknown(e, name)
}

// newFlagSet is every command's flag set: errors come back to the command (flagErr)
// instead of ending the process, and it prints nothing (the command's usage lists its
// flags). A flag every command takes is added here.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.String("lang", "", lang.X("cli.flag.lang", "language: `LANG` is en or bg (default: the system's)")) // run has read it
	return fs
}

// parseArgs parses a command line into fs, flags before, between and after the
// arguments (parseInterleaved), and returns the arguments. --help is help (help on
// stdout); a flag that does not parse is a usage error followed by usage, or by the
// command's hint when usage is "".
func parseArgs(fs *flag.FlagSet, args []string, help, usage string) ([]string, error) {
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return nil, flagErr(err, help, usage)
	}
	return pos, nil
}
