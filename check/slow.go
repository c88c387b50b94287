package check

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"trustedapp-tester/internal/redact"
)

// SlowLimits set when a step's time is a net.slow warning.
type SlowLimits struct {
	// Identity is the limit for the reachability probes, discovery, the signing keys
	// and the token request: small answers an instance computes in milliseconds.
	Identity time.Duration
	// API is the limit for one API call (the sample calls ask for a few rows).
	API time.Duration
	// Share is the fraction of the per-call timeout that is slow whatever the limits.
	Share float64
}

// DefaultSlow are the limits used when Options.Slow is zero, with their reasons
// (docs/decisions.md has them too):
//
//   - Identity 2 s: an ERP.net Identity Server answers discovery, its keys and a
//     client-credentials token from memory; over the internet a cold TLS connection
//     adds a few hundred milliseconds. Two seconds means an overloaded server or a slow
//     hop (proxy, DNS), and every integration pays it on each token it requests.
//   - API 5 s: the sample calls read a handful of rows; a Domain API that needs five
//     seconds for that is queueing (one request per session runs at a time) or
//     overloaded, and real integrations read more.
//   - Share 50%: a step that uses half of the per-call timeout fails outright on a
//     slightly worse day.
var DefaultSlow = SlowLimits{Identity: 2 * time.Second, API: 5 * time.Second, Share: 0.5}

func (l SlowLimits) withDefaults() SlowLimits {
	if l.Identity <= 0 {
		l.Identity = DefaultSlow.Identity
	}
	if l.API <= 0 {
		l.API = DefaultSlow.API
	}
	if l.Share <= 0 || l.Share > 1 {
		l.Share = DefaultSlow.Share
	}
	return l
}

// knownBudget is a documented default time budget of a common way to run an
// integration: the clients a slow answer would time out.
type knownBudget struct {
	who   string
	limit time.Duration
	only  StepKind // "" = every step
}

var knownBudgets = []knownBudget{
	{"AWS Lambda functions with the default timeout", 3 * time.Second, ""},
	{"AWS API Gateway integrations", 29 * time.Second, ""},
	{"ASP.NET Core JwtBearer's metadata and key refresh (BackchannelTimeout)", 60 * time.Second, StepDiscovery},
	{"nginx reverse proxies with the default proxy_read_timeout", 60 * time.Second, ""},
	{".NET HttpClient with its default Timeout (IdentityModel, ErpNet.Api.Client)", 100 * time.Second, ""},
	{"requests through Cloudflare's proxy", 100 * time.Second, ""},
	{"Power Automate and Logic Apps HTTP actions", 120 * time.Second, ""},
}

func budgetText(b knownBudget) string { return fmt.Sprintf("%s (%s)", b.who, humanDur(b.limit)) }

// humanDur shows a duration the way people read it: 850 ms, 3.4 s, 29 s, 120 s.
func humanDur(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%d s", int(d.Round(time.Second)/time.Second))
	case d >= time.Second:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", d.Seconds()), ".0") + " s"
	}
	return fmt.Sprintf("%d ms", d.Round(time.Millisecond)/time.Millisecond)
}

// slowFinding judges a finished step's time: the slowest answered request against the
// step's limit and against the per-call timeout.
func (r *run) slowFinding(st Step) (Finding, bool) {
	var slowest *Exchange
	for i := range st.Exchanges {
		x := &st.Exchanges[i]
		if x.Status == 0 || x.Error != "" {
			continue // no answer: net.timeout or another net.* finding covers it
		}
		if slowest == nil || x.Timings.Total > slowest.Timings.Total {
			slowest = x
		}
	}
	if slowest == nil {
		return Finding{}, false
	}
	lim := r.opts.Slow.withDefaults()
	limit := lim.Identity
	if st.Kind == StepAPI {
		limit = lim.API
	}
	elapsed := slowest.Timings.Total
	timeout := r.timeout()
	share := 0.0
	if timeout > 0 {
		share = float64(elapsed) / float64(timeout)
	}
	overLimit, overShare := elapsed >= limit, share >= lim.Share
	if !overLimit && !overShare {
		return Finding{}, false
	}
	msg := fmt.Sprintf("%s took %s", slowWhat(st.Kind, slowest), humanDur(elapsed))
	var why []string
	if overLimit {
		why = append(why, fmt.Sprintf("more than the %s it normally needs", humanDur(limit)))
	}
	why = append(why, fmt.Sprintf("%.0f%% of the profile's %s timeout", share*100, humanDur(timeout)))
	msg += " (" + strings.Join(why, "; ") + ")."
	var would, risk []string
	for _, b := range knownBudgets {
		if b.only != "" && b.only != st.Kind {
			continue
		}
		switch {
		case elapsed >= b.limit:
			would = append(would, budgetText(b))
		case 2*elapsed >= b.limit:
			risk = append(risk, budgetText(b))
		}
	}
	if len(would) > 0 {
		msg += " Integrations with a shorter time budget would time out: " + strings.Join(would, ", ") + "."
	}
	if len(risk) > 0 {
		msg += " It takes more than half the time budget of " + strings.Join(risk, ", ") + "."
	}
	if len(would) == 0 && len(risk) == 0 {
		msg += fmt.Sprintf(" Integrations with a budget under %s would time out, and every one pays the delay on each request.", humanDur(elapsed))
	}
	ev := map[string]string{EvURL: redact.URL(slowest.URL), EvElapsed: humanDur(elapsed), EvThreshold: humanDur(limit),
		EvTimeout: humanDur(timeout), EvShare: fmt.Sprintf("%.0f%%", share*100), EvClients: strings.Join(would, "; "),
		EvAtRisk: strings.Join(risk, "; ")}
	return newFinding(NetSlow, msg, ev), true
}

// slowWhat names the request that was slow.
func slowWhat(k StepKind, x *Exchange) string {
	path := x.URL
	if u, err := url.Parse(x.URL); err == nil {
		path = u.Path
	}
	switch {
	case k == StepToken:
		return "The token endpoint"
	case k == StepDiscovery && strings.HasSuffix(path, "/jwks"):
		return "Fetching the signing keys (JWKS)"
	case k == StepDiscovery:
		return "Fetching the OpenID configuration"
	case k == StepReachability:
		return "The instance's anonymous " + path + " probe"
	}
	return x.Method + " " + path
}
