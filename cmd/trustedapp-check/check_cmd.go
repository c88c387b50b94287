package main

import "fmt"

// runCheck is being written (see the open issue for the check command).
func runCheck(e env) int {
	fmt.Fprintln(e.stderr, "trustedapp-check check: not available in this build yet")
	return exitEnvironment
}
