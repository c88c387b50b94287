package check

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"trustedapp-tester/profiles"
)

// Least privilege, as advice: what the token and the Trusted App record show that
// could be narrowed. Each finding (codes privilege.*, severity info) says what to
// narrow; none is part of a step or changes a verdict, not even with --strict: a
// Trusted App that works is not broken because it could do more than it needs.
// Callers show them in their own "Least privilege" section.

// PrivilegeInput is what the advice is made from. Every field may be missing: each
// piece of advice needs only its own facts.
type PrivilegeInput struct {
	// Profile says what the integration does (its API calls, its requested scopes)
	// and when its secret was set on this computer (SecretSetAt).
	Profile profiles.Profile
	// Granted are the scopes the token carries; nil when no token was read.
	Granted []string
	// SystemUser and SystemUserType are the token's client_system_user and
	// client_system_user_type ("" when unknown).
	SystemUser, SystemUserType string
	// Record is the Trusted App record as read; nil when it was not read.
	Record *TrustedAppRecord
	// Now is the clock for the secret's age.
	Now time.Time
}

// PrivilegeInputFor collects the input from a run of p (its token's scopes and System
// User) and the record when one was read (nil otherwise).
func PrivilegeInputFor(p profiles.Profile, r Report, rec *TrustedAppRecord) PrivilegeInput {
	in := PrivilegeInput{Profile: p, Record: rec, Now: r.Finished}
	if in.Now.IsZero() {
		in.Now = time.Now()
	}
	if r.Claims != nil {
		in.SystemUser, in.SystemUserType = r.Claims.SystemUser, r.Claims.SystemUserType
		in.Granted = append([]string{}, r.Claims.Scopes...)
		if r.Scopes != nil && len(r.Scopes.Granted) > 0 {
			in.Granted = append([]string{}, r.Scopes.Granted...)
		}
	}
	return in
}

// OnlyReads reports whether every call of calls only reads.
func OnlyReads(calls []profiles.APICall) bool {
	for _, c := range calls {
		if isWrite(c.Method) {
			return false
		}
	}
	return true
}

// LeastPrivilege returns the advice, in a stable order (scopes, System User, record
// settings, secret age).
func LeastPrivilege(in PrivilegeInput) []Finding {
	var out []Finding
	add := func(code, msg string, ev map[string]string) { out = append(out, newFinding(code, msg, ev)) }
	rec := in.Record
	var recScope []string
	if rec != nil && rec.Scope != nil {
		recScope = strings.Fields(*rec.Scope)
	}
	calls := in.Profile.EffectiveCalls()

	// update while every call only reads.
	if OnlyReads(calls) {
		ev := map[string]string{EvScope: "update", EvCalls: fmt.Sprint(len(calls)), EvGranted: strings.Join(in.Granted, " ")}
		switch {
		case slices.Contains(in.Granted, "update"):
			ev[EvSource] = "token"
			add(PrivUpdateUnused, fmt.Sprintf("The token was granted update, but every API call this profile makes only reads (%s): request read only, and remove update from the Trusted App's Scope field unless another part of the integration writes.", plural(len(calls), "call")), ev)
		case slices.Contains(recScope, "update"):
			ev[EvSource] = "record"
			add(PrivUpdateUnused, fmt.Sprintf("The Trusted App's Scope field allows update, but every API call this profile makes only reads (%s): remove update from Scope unless another part of the integration writes.", plural(len(calls), "call")), ev)
		}
	}
	// sec.
	switch {
	case slices.Contains(in.Granted, "sec"):
		add(PrivSecScope, "The token carries sec, the scope of the security namespace (users, roles, Trusted Apps), which ERP.net reserves for internal use: stop requesting it and remove it from the Trusted App's Scope field.", map[string]string{EvScope: "sec", EvSource: "token"})
	case slices.Contains(recScope, "sec"):
		add(PrivSecScope, "The Trusted App's Scope field lists sec, the scope of the security namespace, which ERP.net reserves for internal use: remove it.", map[string]string{EvScope: "sec", EvSource: "record"})
	}

	// The System User.
	user, userType, source := in.SystemUser, in.SystemUserType, "token"
	if rec != nil && rec.SystemUserType != "" {
		userType, source = rec.SystemUserType, "record"
		if user == "" && !rec.SystemUserRef {
			user = rec.SystemUser
		}
	}
	if strings.EqualFold(userType, "InternalUser") {
		add(PrivInteractiveUser, fmt.Sprintf("The System User%s is an InternalUser, a login a person can also sign in with: give the integration its own user of type ApplicationUserNoLogin, with only the rights it needs.", nameOf(user)),
			map[string]string{EvSystemUser: user, EvUserType: userType, EvSource: source})
	}
	if rec != nil && rec.SystemUserAdmin != nil && *rec.SystemUserAdmin {
		if user == "" && !rec.SystemUserRef {
			user = rec.SystemUser
		}
		add(PrivAdminUser, fmt.Sprintf("The System User%s is an administrator (IsAdmin): within its token's scopes, which ERP.net checks on every request, every call the integration makes may do anything in the instance. Use a dedicated user with only the roles the integration needs.", nameOf(user)),
			map[string]string{EvSystemUser: user, EvSource: "record"})
	}

	// Record settings.
	if rec != nil && rec.ReferenceTokens != "" && !strings.EqualFold(rec.ReferenceTokens, "None") && !in.Profile.ReferenceTokensIntended() {
		add(PrivReferenceTokens, fmt.Sprintf("ReferenceTokens is %s: long-lived reference tokens (enrt_…) can be issued for this app, and each works until it expires or is revoked. Set it to None unless someone needs them.", rec.ReferenceTokens),
			map[string]string{EvActual: rec.ReferenceTokens, EvSource: "record"})
	}
	if rec != nil && rec.BasicAuthAllowed != nil && *rec.BasicAuthAllowed {
		add(PrivBasicAuth, "BasicAuthenticationAllowed is on: the app also accepts a user name and password (legacy Basic authentication). Turn it off unless an old client needs it.",
			map[string]string{EvActual: "true", EvSource: "record"})
	}

	// The secret's age: a lower bound from this computer's keychain entry and from the
	// record's last change (the hash cannot have changed since).
	if f, ok := secretAgeAdvice(in); ok {
		out = append(out, f)
	}
	return out
}

// secretAgeAdvice is privilege.secret_old when the secret is known to be older than
// profiles.SecretRotationAge.
func secretAgeAdvice(in PrivilegeInput) (Finding, bool) {
	now := in.Now
	if now.IsZero() {
		now = time.Now()
	}
	type bound struct {
		since  time.Time
		source string
	}
	var bounds []bound
	if t := in.Profile.SecretSetAt; !t.IsZero() {
		bounds = append(bounds, bound{t, "profile"})
	}
	if in.Record != nil && !in.Record.LastUpdate.IsZero() {
		bounds = append(bounds, bound{in.Record.LastUpdate, "record"})
	}
	if len(bounds) == 0 {
		return Finding{}, false
	}
	// The oldest bound is the strongest: the secret is at least that old.
	sort.Slice(bounds, func(i, j int) bool { return bounds[i].since.Before(bounds[j].since) })
	b := bounds[0]
	age := now.Sub(b.since)
	if age <= profiles.SecretRotationAge {
		return Finding{}, false
	}
	days := int(age / (24 * time.Hour))
	rot := int(profiles.SecretRotationAge / (24 * time.Hour))
	why := "it was set in this profile on " + b.since.UTC().Format("2006-01-02")
	if b.source == "record" {
		why = "the Trusted App record has not changed since " + b.since.UTC().Format("2006-01-02")
	}
	return newFinding(PrivSecretOld, fmt.Sprintf("The client secret is at least %d days old (%s), more than the %d days after which this tool suggests rotating it: make a new one (trustedapp-check secret new --profile NAME --replace), put its hash in ApplicationSecretHash, and update the integration.", days, why, rot),
		map[string]string{EvAgeDays: fmt.Sprint(days), EvSince: b.since.UTC().Format("2006-01-02"), EvRotationDays: fmt.Sprint(rot), EvSource: b.source}), true
}

func nameOf(user string) string {
	if user == "" {
		return ""
	}
	return " " + user
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
