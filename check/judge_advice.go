package check

import (
	"fmt"
	"strings"
)

// Advice that agrees: no two findings of one run may advise opposite actions. The
// findings about scopes are where they could: a run that requests "DomainApi read"
// was told both that DomainApi is obsolete (stop requesting it) and, by the
// invalid_scope that refused it, to add it to the Trusted App's Scope field. The
// rule: a scope a service app must not request on this instance (sec, which ERP.net
// reserves for itself; DomainApi, obsolete since version 20.1; the sign-in scopes
// openid, profile and offline_access, never granted with client credentials) is never
// advised to be added, by any finding. reconcileAdvice applies it when the run is
// judged; guide's explanations follow the same rule from the same evidence (the
// scope, the instance's version).

// scopeAct is what a finding advises about one scope.
type scopeAct string

const (
	adviseAdd  scopeAct = "add"  // add it to the Trusted App's Scope field (and request it)
	adviseStop scopeAct = "stop" // stop requesting it (and take it out of the Scope field)
)

// scopeAdvice is one piece of advice about a scope.
type scopeAdvice struct {
	Act   scopeAct
	Scope string
}

// opposite reports whether two pieces of advice contradict each other.
func (a scopeAdvice) opposite(b scopeAdvice) bool {
	return a.Scope == b.Scope && a.Act != b.Act
}

// MustNotRequest reports whether a service app should never request scope on an
// instance of version ("" when unknown), and why, in a sentence's tail.
func MustNotRequest(scope, version string) (bool, string) {
	switch {
	case scope == "sec":
		return true, "ERP.net reserves sec for its internal use (scopes.md: “Reserved for ERP.net internal use only”)"
	case scope == "DomainApi" && !strings.HasPrefix(version, "20.1."):
		return true, "DomainApi is obsolete (scopes.md: “Legacy scope. Obsolete and must not be used.”); only servers of version 20.1 needed it"
	case userOnlyScopes[scope]:
		return true, scope + " is a sign-in scope, never granted with client credentials (scopes.md)"
	}
	return false, ""
}

// scopeAdviceOf lists what f advises about scopes (nil for a finding that advises
// nothing about them). It reads the finding as the user does: its code, its evidence
// and, where the code leaves the choice open, its message.
func scopeAdviceOf(f Finding) []scopeAdvice {
	ev := f.Evidence
	var out []scopeAdvice
	add := func(act scopeAct, scopes ...string) {
		for _, s := range scopes {
			if s != "" {
				out = append(out, scopeAdvice{act, s})
			}
		}
	}
	switch f.Code {
	case TokInvalidScope:
		s := ev[EvScope]
		if s == "" {
			aligned := strings.HasPrefix(ev[EvAdjusted], "advice aligned")
			for _, r := range strings.Fields(ev[EvRequested]) {
				if stop, _ := MustNotRequest(r, ev[EvVersion]); stop && aligned {
					add(adviseStop, r)
				} else {
					add(adviseAdd, r)
				}
			}
			break
		}
		if strings.Contains(f.Message, "add it to the Trusted App's Scope field") {
			add(adviseAdd, s)
		} else {
			add(adviseStop, s)
		}
	case TokScopeNarrowed:
		for _, s := range strings.Fields(ev[EvMissing]) {
			if stop, _ := MustNotRequest(s, ev[EvVersion]); stop {
				add(adviseStop, s)
			} else {
				add(adviseAdd, s)
			}
		}
	case TokScopeLegacy:
		if f.Severity == SevInfo { // a 20.1 instance: keep requesting it
			add(adviseAdd, "DomainApi")
		} else {
			add(adviseStop, "DomainApi")
		}
	case TokScopeInternal, PrivSecScope:
		add(adviseStop, "sec")
	case TokScopeUserOnly:
		add(adviseStop, strings.Fields(ev[EvScope])...)
	case APIForbiddenScope:
		if strings.Contains(f.Message, "not for integrations") {
			add(adviseStop, ev[EvScope])
		} else {
			add(adviseAdd, ev[EvScope])
		}
	case PrivUpdateUnused:
		add(adviseStop, "update")
	}
	return out
}

// reconcileAdvice rewrites the findings that would advise adding a scope the service
// app must not request (MustNotRequest), so that they say to stop requesting it as the
// findings about that scope do; it runs last when the run is judged. The instance's
// version goes into their evidence, for guide to follow the same rule.
func (r *run) reconcileAdvice() {
	for i := range r.rep.Steps {
		for j := range r.rep.Steps[i].Findings {
			f := &r.rep.Steps[i].Findings[j]
			switch f.Code {
			case TokInvalidScope, TokScopeNarrowed, APIForbiddenScope:
				if r.version != "" {
					f.Evidence[EvVersion] = r.version
				}
				alignScopeAdvice(f)
			}
		}
	}
}

// alignScopeAdvice makes f say to stop requesting a scope it names that must not be
// requested, instead of adding it to the Scope field.
func alignScopeAdvice(f *Finding) {
	s := f.Evidence[EvScope]
	if f.Code == TokInvalidScope && s == "" {
		alignUnnamed(f)
		return
	}
	stop, why := MustNotRequest(s, f.Evidence[EvVersion])
	if !stop {
		return
	}
	switch f.Code {
	case TokInvalidScope:
		const addOrStop = "add it to the Trusted App's Scope field or stop requesting it"
		if !strings.Contains(f.Message, addOrStop) {
			return
		}
		f.Message = strings.Replace(f.Message, addOrStop, "stop requesting it (and leave it out of the Scope field): "+why, 1)
	case APIForbiddenScope:
		if strings.Contains(f.Message, "not for integrations") {
			return
		}
		f.Message = strings.TrimSpace(f.Message) + fmt.Sprintf(" %s is not for integrations: %s; leave this call out.", s, why)
	default:
		return
	}
	if f.Evidence == nil {
		f.Evidence = map[string]string{}
	}
	f.Evidence[EvAdjusted] = "advice aligned: " + s + " must not be requested"
}

// contradictions lists the pairs of findings in steps that advise opposite actions
// (nil when they agree): the rule reconcileAdvice keeps.
func contradictions(steps []Step) []string {
	var all []Finding
	for _, s := range steps {
		all = append(all, s.Findings...)
	}
	var out []string
	for i := range all {
		for j := i + 1; j < len(all); j++ {
			for _, a := range scopeAdviceOf(all[i]) {
				for _, b := range scopeAdviceOf(all[j]) {
					if a.opposite(b) {
						out = append(out, fmt.Sprintf("%s says %s %s, %s says %s %s", all[i].Code, a.Act, a.Scope, all[j].Code, b.Act, b.Scope))
					}
				}
			}
		}
	}
	return out
}

// alignUnnamed is alignScopeAdvice for an invalid_scope that does not name the scope it
// refused: the requested scopes that must not be requested are to stop, the others to
// add or drop.
func alignUnnamed(f *Finding) {
	const addOrFewer = "add them to the Trusted App's Scope field or request fewer"
	var stops, whys []string
	for _, s := range strings.Fields(f.Evidence[EvRequested]) {
		if stop, why := MustNotRequest(s, f.Evidence[EvVersion]); stop {
			stops, whys = append(stops, s), append(whys, why)
		}
	}
	if len(stops) == 0 || !strings.Contains(f.Message, addOrFewer) {
		return
	}
	f.Message = strings.Replace(f.Message, addOrFewer, "stop requesting "+quoteList(stops)+" ("+strings.Join(whys, "; ")+"), and add the other scopes to the Trusted App's Scope field or request fewer", 1)
	f.Evidence[EvAdjusted] = "advice aligned: " + strings.Join(stops, " ") + " must not be requested"
}
