package main

import (
	"fmt"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/compare"
)

// baselines is each named profile's newest passing run in History, read once before a
// batch: what its new run is compared with (compare.Drifted). A History that cannot be
// read is said once on stderr; ok is then false and no drift is reported.
func baselines(e env, names []string) (base map[string]*check.RunSummary, ok bool) {
	path, err := audit.DefaultPath()
	var l *audit.Log
	if err == nil {
		l, err = audit.Open(path)
	}
	var latest map[string]audit.Latest
	if err == nil {
		latest, err = l.LatestRuns(names...)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "warning: History cannot be read (%v): no drift since the last passing run is reported\n", err)
		return nil, false
	}
	base = map[string]*check.RunSummary{}
	for n, x := range latest {
		base[n] = x.Baseline()
	}
	return base, true
}

// driftOf is what changed in run sum of profile name since its baseline.
func driftOf(base map[string]*check.RunSummary, name string, sum check.RunSummary) *compare.Drift {
	d := compare.Drifted(sum, base[name])
	return &d
}
