package check

import (
	"context"

	"trustedapp-tester/profiles"
)

// Run tests one profile's Trusted App with its secret and streams each finished Step
// to onStep (which may be nil) before returning the whole Report. It honours ctx:
// cancelling it ends the run promptly with Report.Cancelled set.
//
// (Placeholder signature; the engine is being written in this file.)
func Run(ctx context.Context, p profiles.Profile, secret string, opts Options, onStep func(Step)) Report {
	return Report{Profile: p.Name, Verdict: Skipped}
}
