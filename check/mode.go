package check

// Mode says which steps a run takes. The zero value, AllSteps, takes every step;
// NoAPI and TokenOnly leave out the API calls (and TokenOnly the reachability step)
// without listing them; CallsSkipped lists each API call as skipped, with its reason.
// Modes compare with ==.
type Mode struct {
	steps modeSteps
	why   string // CallsSkipped's reason
}

type modeSteps int

const (
	allSteps modeSteps = iota
	noAPI
	tokenOnly
	callsSkipped
)

var (
	// AllSteps runs every step: reachability, discovery, token, inspect, API calls.
	AllSteps = Mode{}
	// NoAPI stops after the inspect step; the API calls are not listed (check
	// --no-api). The run opens no ERP.net session.
	NoAPI = Mode{steps: noAPI}
	// TokenOnly runs discovery, the token request and inspection only: no
	// reachability step, no API calls, neither listed (the CLI's token command, the
	// token of a profile that reads another's record).
	TokenOnly = Mode{steps: tokenOnly}
)

// CallsSkipped runs every step but the API calls, each listed as a skipped step with
// why as its summary (check --all: another profile of the same Trusted App already
// holds this run's session).
// An empty why says only that the calls were skipped.
func CallsSkipped(why string) Mode {
	if why == "" {
		why = "Skipped: the API calls were not run."
	}
	return Mode{steps: callsSkipped, why: why}
}

// reachability reports whether the run starts with the reachability step.
func (m Mode) reachability() bool { return m.steps != tokenOnly }

// listsCalls reports whether the run's report has a step for each API call (run or
// skipped).
func (m Mode) listsCalls() bool { return m.steps == allSteps || m.steps == callsSkipped }

// String names the mode, as a test failure or a log line shows it.
func (m Mode) String() string {
	switch m.steps {
	case noAPI:
		return "no API calls"
	case tokenOnly:
		return "token only"
	case callsSkipped:
		return "API calls skipped: " + m.why
	}
	return "all steps"
}
