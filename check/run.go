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

// Call runs one API call with an issued token (the API console's custom calls) and
// returns it as a Step of kind StepAPI with its exchange and findings.
//
// (Placeholder signature; being written.)
func Call(ctx context.Context, p profiles.Profile, tok *AccessToken, c profiles.APICall, opts Options) Step {
	return Step{Kind: StepAPI, Verdict: Skipped}
}
