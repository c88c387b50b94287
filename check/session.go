package check

import (
	"fmt"
	"time"

	"trustedapp-tester/internal/platform"
	"trustedapp-tester/profiles"
)

// ERP.net sessions (dev:auth/sessions/overview.md, license-slot.md,
// session-revocation.md): a token's first API call opens a session, which holds one
// licence slot until it has been idle for 20 minutes, and a client-credentials
// session ends one hour after it opened at the latest. A service app has no logout, so
// the only way to use fewer slots is to open fewer sessions: reuse the token.
const (
	SessionIdle     = 20 * time.Minute
	SessionAbsolute = time.Hour
)

// Session states (SessionCost.State).
const (
	SessionNone    = "none"    // no API call reached a session: no licence slot used
	SessionOpened  = "opened"  // this run's first API call opened a new session
	SessionReused  = "reused"  // the calls ran in the session an earlier run of this token opened
	SessionUnknown = "unknown" // a supplied token: its session may have been opened elsewhere
)

// SessionCost is what a run cost in ERP.net licence terms.
type SessionCost struct {
	State string `json:"state"`
	// OpenedAt is when the session opened (this run's first call, or the earlier run's);
	// LastCall this run's last call that reached it.
	OpenedAt time.Time `json:"opened_at,omitzero"`
	LastCall time.Time `json:"last_call,omitzero"`
	// HoldsUntil is when the session frees its slot if the token is not used again:
	// the earlier of IdleUntil (20 minutes after the last call) and LatestUntil (an hour
	// after it opened, the limit for a client-credentials session).
	HoldsUntil  time.Time `json:"holds_until,omitzero"`
	IdleUntil   time.Time `json:"idle_until,omitzero"`
	LatestUntil time.Time `json:"latest_until,omitzero"`
	// TokenReuse is where the token is kept for later runs: KeptInKeychain,
	// KeptInMemory or KeptNowhere; TokenReuseNote says why it is not in the keychain.
	TokenReuse     string `json:"token_reuse"`
	TokenReuseNote string `json:"token_reuse_note,omitempty"`
	// Summary says all of it in one or two sentences.
	Summary string `json:"summary"`
	// Holders are the instance's sessions (who holds its licence slots), read after a
	// call was refused with MaximumLicenseCountExceeded (session_holders.go), soonest
	// to free first; HoldersState is "read", "refused" or "failed" ("" when not
	// tried), HoldersNote says what was read or why not, Licences the licences in use.
	Holders      []LicenceHolder `json:"holders,omitempty"`
	HoldersState string          `json:"holders_state,omitempty"`
	HoldersNote  string          `json:"holders_note,omitempty"`
	Licences     []LicenceCount  `json:"licences,omitempty"`
}

// sessionCodes are the API answers that show the call was authenticated and ran in
// a session: a success, a refusal by scope or permission, a rate limit (which is per
// session) or a business error. A 401, MaximumLicenseCountExceeded (no slot), a
// redirect or a transport failure opened none.
var sessionCodes = map[string]bool{APIOK: true, APIForbiddenScope: true, APIForbidden: true, APIRateLimited: true,
	APIODataError: true, APINotJSON: true}

// sessionCost works out the run's session from its API steps and what the cache knew
// about the token, and tells the cache about the session for the next run.
func (r *run) sessionCost() *SessionCost {
	sc := &SessionCost{TokenReuse: r.keptWhere, TokenReuseNote: r.keptWhy}
	if sc.TokenReuse == "" {
		sc.TokenReuse = KeptNowhere
	}
	if r.info != nil && r.info.Supplied {
		sc.TokenReuse, sc.TokenReuseNote = KeptNowhere, "a supplied token is never cached"
	}
	var first, last time.Time
	if h := r.holders; h != nil {
		sc.SetHolders(*h)
		if !h.OpenedAt.IsZero() {
			// A slot freed before the holders were read: the read opened this run's session.
			first, last = h.OpenedAt, h.OpenedAt
		}
	}
	for _, s := range r.rep.Steps {
		if s.Kind != StepAPI || !stepHasAny(s, sessionCodes) {
			continue
		}
		for _, x := range s.Exchanges {
			if x.Status == 0 {
				continue
			}
			if first.IsZero() || x.Started.Before(first) {
				first = x.Started
			}
			if end := x.Started.Add(x.Timings.Total); end.After(last) {
				last = end
			}
		}
	}
	switch {
	case first.IsZero():
		sc.State = SessionNone
	case r.info != nil && r.info.Supplied:
		sc.State = SessionUnknown
		sc.OpenedAt = first
	case r.cached != nil && !r.cached.SessionOpened.IsZero() &&
		first.Before(r.cached.LastCall.Add(SessionIdle)) && first.Before(r.cached.SessionOpened.Add(SessionAbsolute)):
		sc.State = SessionReused
		sc.OpenedAt = r.cached.SessionOpened
	default:
		sc.State = SessionOpened
		sc.OpenedAt = first
	}
	if sc.State != SessionNone {
		sc.LastCall = last
		sc.IdleUntil = last.Add(SessionIdle)
		sc.LatestUntil = sc.OpenedAt.Add(SessionAbsolute)
		sc.HoldsUntil = sc.IdleUntil
		if sc.LatestUntil.Before(sc.HoldsUntil) {
			sc.HoldsUntil = sc.LatestUntil
		}
		if sc.State != SessionUnknown && r.opts.Cache != nil {
			r.opts.Cache.NoteSession(r.cacheKey, sc.OpenedAt, last)
		}
	}
	sc.Summary = sc.summary(r.opts)
	if r.p.KindOf() != profiles.KindClientCredentials && r.opts.Supplied == nil {
		r.kindSessionCost(sc)
	}
	return sc
}

func stepHasAny(s Step, codes map[string]bool) bool {
	for _, f := range s.Findings {
		if codes[f.Code] {
			return true
		}
	}
	return false
}

// clock formats a time for the summary in the local zone.
func clock(t time.Time) string { return t.Local().Format("15:04:05 MST") }

func (sc *SessionCost) summary(o Options) string {
	var s string
	switch sc.State {
	case SessionNone:
		s = "No ERP.net session was opened: no API call reached the instance, so no licence slot was used."
		switch o.Mode {
		case NoAPI:
			s = "No ERP.net session was opened: the run made no API call (--no-api), so it used no licence slot."
		case TokenOnly:
			s = "No ERP.net session was opened: the run asked for a token only and made no API call, so it used no licence slot."
		}
	case SessionOpened:
		s = fmt.Sprintf("This run opened a new ERP.net session at %s (the token's first API call); it may hold one licence slot until %s (20 minutes after its last call), and at most until %s (1 hour after it opened).",
			clock(sc.OpenedAt), clock(sc.IdleUntil), clock(sc.LatestUntil))
	case SessionReused:
		s = fmt.Sprintf("This run reused the ERP.net session an earlier run opened at %s with the same token: no new licence slot. The session may hold its slot until %s (20 minutes after this run's last call), and at most until %s (1 hour after it opened).",
			clock(sc.OpenedAt), clock(sc.IdleUntil), clock(sc.LatestUntil))
	case SessionUnknown:
		s = fmt.Sprintf("The supplied token's API calls ran in its session (opened now unless it had one); that session may hold one licence slot until %s (20 minutes after the last call), and at most an hour after it opened.",
			clock(sc.IdleUntil))
	}
	why := ""
	if sc.TokenReuseNote != "" {
		why = " (" + sc.TokenReuseNote + ")"
	}
	switch {
	case sc.State == SessionUnknown:
	case sc.TokenReuse == KeptInKeychain:
		s += " The token is kept in " + platform.Keychain() + ", so the next runs reuse it and its session instead of opening new ones."
	case sc.TokenReuse == KeptInMemory:
		s += " The token is kept in memory only" + why + ", so another process or a restart requests a new token, whose first API call opens a new session."
	case sc.TokenReuseNote != "":
		s += " The token is not kept for reuse" + why + "."
	}
	return s
}
