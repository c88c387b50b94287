package main

import "fmt"

// runProfiles is being written (see the open issue for the profiles command).
func runProfiles(e env) int {
	fmt.Fprintln(e.stderr, "trustedapp-check profiles: not available in this build yet")
	return exitEnvironment
}
