package main

import "fmt"

// runSandbox is being written (see the open issue for the sandbox command).
func runSandbox(e env) int {
	fmt.Fprintln(e.stderr, "trustedapp-check sandbox: not available in this build yet")
	return exitEnvironment
}
