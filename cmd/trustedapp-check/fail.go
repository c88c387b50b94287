package main

import (
	"errors"
	"fmt"
)

// commandFailer returns what a command does with an error: print it as
// "trustedapp-check NAME: message" and return its exit code (a *cliError's own, else
// exitEnvironment). A usage error is followed by hint (a pointer to --help, or the
// whole usage).
func commandFailer(e env, name, hint string) func(error) int {
	return func(err error) int {
		var ce *cliError
		if errors.As(err, &ce) {
			fmt.Fprintf(e.stderr, "trustedapp-check %s: %s\n", name, ce.msg)
			if ce.code == exitUsage {
				fmt.Fprint(e.stderr, hint)
			}
			return ce.code
		}
		fmt.Fprintf(e.stderr, "trustedapp-check %s: %v\n", name, err)
		return exitEnvironment
	}
}
