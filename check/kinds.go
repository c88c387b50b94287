package check

import (
	"fmt"
	"strings"
	"time"

	"trustedapp-tester/profiles"
	"trustedapp-tester/tokenview"
)

// The run of a profile that signs in another way than client credentials: a reference
// token (PAT or SAT, reftoken.go) or legacy Basic authentication (basicauth.go). Both
// send their credential to the API as it is, so the run reaches the instance (the API
// sites auto-discovery names), skips discovery and the token request with the reason,
// and runs the calls; a reference token is inspected first and, after the calls, the
// run reads whom it acts as and when it expires.

// staleSecret fails the run when the credential stored for the profile was set for
// another kind: a client secret is never sent as a reference token or a password,
// nor a token or password as a client secret. It reports whether it did.
func (r *run) staleSecret() bool {
	stored, stale := profiles.StaleSecret(r.p)
	if !stale {
		return false
	}
	k := r.p.KindOf()
	st := Step{Kind: StepReachability, Name: "Reachability"}
	st.Findings = append(st.Findings, newFinding(ConfigSecretKind,
		fmt.Sprintf("The keychain holds the %s this profile had as a %s profile, and it is now a %s profile: it was not sent. Set the profile's %s (set-secret, or the editor).",
			stored.SecretName(), stored, k, k.SecretName()),
		map[string]string{EvField: "kind", EvExpected: string(k), EvActual: string(stored)}))
	r.emit(finishStep(st, "The stored credential is a "+stored.SecretName()))
	r.skipRest(StepDiscovery, "Skipped: set the profile's "+k.SecretName()+" first.")
	return true
}

// runKind runs a reference-token or basic profile; Run finishes the report.
func (r *run) runKind(k profiles.Kind) {
	r.rep.Kind = string(k)
	if k == profiles.KindBasic {
		r.known.AddBasic(r.p.User, r.secret)
		r.rep.Basic = &BasicInfo{User: r.p.User, App: r.p.BasicAppOf()}
	}
	if r.opts.Mode.reachability() {
		r.emit(r.reachability())
	}
	switch {
	case r.rootDown:
		r.skipKindRest(StepDiscovery, "Skipped: the instance could not be reached.")
		return
	case r.cancelled():
		r.skipKindRest(StepDiscovery, "Skipped: the run was cancelled.")
		return
	}
	r.emit(skippedStep(StepDiscovery, stepNames[StepDiscovery], kindSkips[k][0]))
	r.emit(skippedStep(StepToken, stepNames[StepToken], kindSkips[k][1]))
	if k == profiles.KindReferenceToken {
		r.emit(r.referenceInspect())
		if r.access == nil {
			r.skipKindRest(StepAPI, "Skipped: the profile's credential is not a reference token.")
			return
		}
	} else {
		r.emit(skippedStep(StepInspect, stepNames[StepInspect], kindSkips[k][2]))
	}
	switch m := r.opts.Mode; {
	case !m.listsCalls():
		return
	case m.steps == callsSkipped:
		r.skipKindRest(StepAPI, m.why)
		return
	}
	for _, c := range r.p.EffectiveCalls() {
		if r.cancelled() {
			r.emit(skippedStep(StepAPI, callName(c), "Skipped: the run was cancelled."))
			continue
		}
		if k == profiles.KindBasic {
			r.emit(r.basicCall(c))
			continue
		}
		st := r.apiCall(c, r.access, r.grantedScope)
		refineReferenceRefusal(&st)
		r.emit(st)
	}
	if k == profiles.KindReferenceToken {
		if r.cancelled() {
			r.emit(skippedStep(StepIdentity, identityStepName, "Skipped: the run was cancelled."))
			return
		}
		r.emit(r.identity())
	}
}

// kindSkips are why a kind skips discovery, the token request and (Basic) the
// token's inspection.
var kindSkips = map[profiles.Kind][3]string{
	profiles.KindReferenceToken: {
		"Skipped: a reference token is sent to the API as it is, so the identity server's OpenID configuration and signing keys are not needed.",
		"Skipped: a reference token (PAT or SAT) is made by hand in ERP.net and kept in the keychain as this profile's credential; nothing is requested from the identity server.",
	},
	profiles.KindBasic: {
		"Skipped: Basic authentication does not use the identity server.",
		"Skipped: Basic authentication sends the user's login and password with every API call; no token is requested.",
		"Skipped: Basic authentication has no token to inspect.",
	},
}

// skipKindRest lists every step from from on as skipped with why, the identity step of
// a reference-token run included.
func (r *run) skipKindRest(from StepKind, why string) {
	r.skipRest(from, why)
	if r.p.KindOf() == profiles.KindReferenceToken && r.opts.Mode.listsCalls() {
		r.emit(skippedStep(StepIdentity, identityStepName, why))
	}
}

// referenceInspect is the inspect step of a reference-token run: the profile's
// credential must be an ERP.net reference token (enrt_…); it becomes the run's token.
func (r *run) referenceInspect() (st Step) {
	start := time.Now()
	st = Step{Kind: StepInspect, Name: "Inspect token"}
	defer func() { st.Duration = time.Since(start) }()
	raw := strings.TrimSpace(TrimBearer(r.secret))
	if raw == "" {
		st.Findings = append(st.Findings, newFinding(ConfigInvalid, "The profile has no reference token: set it (set-secret, or the editor).", map[string]string{EvField: "reference token"}))
		return finishStep(st, "No reference token")
	}
	c, err := tokenview.Inspect(raw, tokenview.VerifyOptions{})
	switch {
	case err == nil && c.Kind == tokenview.KindReference:
	case err == nil && c.Kind == tokenview.KindJWT:
		st.Findings = append(st.Findings, newFinding(RefNotReference,
			"The profile holds a JWT access token, not a reference token (enrt_…): a JWT lives an hour and comes from the token request. Use a client-credentials profile for the Trusted App, or test this token with \"Test with a token…\" (check --token-stdin).",
			map[string]string{EvActual: "jwt"}))
		return finishStep(st, "Not a reference token")
	default:
		st.Findings = append(st.Findings, newFinding(RefNotReference,
			"The profile's credential is not an ERP.net reference token: those start with enrt_ (dev auth/tokens/reference-access-tokens.md). Set the token as ERP.net showed it when it was made.",
			map[string]string{EvActual: "other"}))
		return finishStep(st, "Not a reference token")
	}
	if !refShape(raw) {
		st.Findings = append(st.Findings, newFinding(RefShape,
			"The token starts with enrt_ but is not followed by 64 hexadecimal digits, the shape of the docs' example: it may be cut short or have a character too many.",
			map[string]string{EvSize: fmt.Sprint(len(raw))}))
	}
	access := NewAccessToken(raw)
	r.known.Add(raw)
	r.raw.add(raw)
	info := TokenInfo{Last6: access.Last6(), Fingerprint: access.Fingerprint(), Type: "Bearer", ObtainedAt: r.now(), Reference: true}
	r.access, r.info, r.claims = access, &info, &c
	st.Token, st.Claims = &info, &c
	st.Findings = append(st.Findings, newFinding(TokReference,
		"This is an ERP.net reference token (enrt_…): the instance checks it on every call. After the calls, the run asks the Profile site whom it acts as and Systems_Security_AccessTokens when it expires.",
		nil))
	return finishStep(st, "Reference token …"+info.Last6)
}

// refShape reports whether s is "enrt_" and 64 hex digits.
func refShape(s string) bool {
	if len(s) != 5+64 || !strings.HasPrefix(s, "enrt_") {
		return false
	}
	for _, c := range s[5:] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}

// kindSessionCost is the session of a reference-token or basic run: whatever the API
// calls reached, a session of its own that this tool cannot tell apart from one the
// same credential opened elsewhere (a reference token lives for months, a Basic login
// is shared), and never a token kept for reuse.
func (r *run) kindSessionCost(sc *SessionCost) {
	sc.TokenReuse = KeptNowhere
	if r.p.KindOf() == profiles.KindReferenceToken {
		sc.TokenReuseNote = "a reference token is the profile's credential, kept in the keychain as its secret, never cached as a token"
	} else {
		sc.TokenReuseNote = "Basic authentication has no token"
	}
	if sc.State == SessionNone {
		return
	}
	sc.State = SessionUnknown
	sc.LatestUntil = time.Time{}
	sc.HoldsUntil = sc.IdleUntil
	who := "The reference token's"
	if r.p.KindOf() == profiles.KindBasic {
		who = "The Basic sign-in's"
	}
	sc.Summary = fmt.Sprintf("%s API calls ran in its ERP.net session (opened now unless another use of the same credential had one open); it may hold one licence slot until %s (20 minutes after the last call). The one-hour limit the docs give is for client-credentials sessions; they say no other for this kind.",
		who, clock(sc.IdleUntil))
}

// referenceTokensRow is the ReferenceTokens row of the record checklist: a warning
// that reference tokens are on, unless the profile says the app issues them on purpose
// (a reference-token profile, or UsesReferenceTokens); then what that use needs (dev
// auth/tokens/reference-access-tokens.md: None issues none; AuthenticatedUsers lets any
// signed-in user make PATs; a SAT needs AdministratorsOnly).
func referenceTokensRow(p profiles.Profile, rec *TrustedAppRecord) (RecordCheck, bool) {
	const field = "ReferenceTokens"
	none := rec == nil || rec.ReferenceTokens == "" || strings.EqualFold(rec.ReferenceTokens, "None")
	if !p.ReferenceTokensIntended() {
		if rec == nil || none {
			return RecordCheck{}, false
		}
		return RecordCheck{Field: field, Actual: rec.ReferenceTokens, Want: "None unless needed", State: RecordWarn, Note: "Reference tokens are on (ReferenceTokens; the dev docs call it AccessTokens); leave it None unless someone needs them."}, true
	}
	const want = "AuthenticatedUsers (PATs by any user) or AdministratorsOnly (needed for SATs)"
	switch {
	case rec == nil || rec.ReferenceTokens == "":
		return RecordCheck{Field: field, Actual: "not read", Want: want, State: RecordUnknown, Note: "The app issues reference tokens on purpose: None would let no one make them."}, true
	case none:
		return RecordCheck{Field: field, Actual: rec.ReferenceTokens, Want: want, State: RecordBad, Note: "With None no reference token can be issued for this app: set AdministratorsOnly (SATs, and PATs by administrators) or AuthenticatedUsers (PATs by any signed-in user)."}, true
	case strings.EqualFold(rec.ReferenceTokens, "AuthenticatedUsers"):
		return RecordCheck{Field: field, Actual: rec.ReferenceTokens, Want: want, State: RecordOK, Note: "Any signed-in user may make PATs for this app; a SAT needs AdministratorsOnly."}, true
	}
	return RecordCheck{Field: field, Actual: rec.ReferenceTokens, Want: want, State: RecordOK, Note: "Only administrators make PATs or SATs for this app."}, true
}

// summarizeKind fills a run summary's kind and whom a reference token or Basic sign-in
// acted as, which no claim says.
func summarizeKind(s *RunSummary, r Report) {
	s.Kind = r.Kind
	if ref := r.Reference; ref != nil {
		switch {
		case ref.User != "":
			s.SystemUser, s.SystemUserType = ref.User, ref.UserType
		case ref.Record != nil && ref.Record.Actor != "":
			s.SystemUser = ref.Record.Actor
		}
		if ref.Record != nil && ref.Record.Client != "" {
			s.ClientID = ref.Record.Client
		}
	}
	if b := r.Basic; b != nil {
		s.SystemUser, s.ClientID = b.User, b.App
	}
}
