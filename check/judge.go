package check

import (
	"slices"
	"strings"
)

// Judgment: a finding never contradicts what the later steps proved. Each step judges
// its own evidence as it runs; when the run ends, judge revisits the findings whose
// severity depends on what came after (the token request, and above all the API
// calls) and raises or lowers them, saying why in the message and in the "adjusted"
// evidence. docs/decisions.md ("2026-12-01: verdicts, licences, docs") has the table of
// every code and the later evidence that moves it.

// outcome is what the run's later steps proved.
type outcome struct {
	tokenIssued bool // a token was issued by the token request (not cached, not supplied)
	tokenFailed bool // the token request ran and failed
	apiAnswered int  // API calls that got an HTTP answer
	apiOK       int  // API calls that succeeded (api.ok)
	refused     bool // an API call refused the token (401, sign-in page, redirect)
	// works: the instance accepted the token: at least one call succeeded and none
	// refused the token.
	works bool
	// allOK: every API call succeeded.
	allOK bool
	// missingScope lists scopes API calls were refused for (api.forbidden_scope).
	missingScope []string
	notFound     bool // an API call answered 404
	// okOn names the sites of successful calls: "DomainAPI", "TableAPI".
	okOn map[string]bool
}

var refusalCodes = map[string]bool{APIUnauthorized: true, APITokenExpired: true, APIForeignIssuer: true, APIBadSignature: true,
	APILoginPage: true, APIRedirect: true}

func (r *run) outcome() outcome {
	o := outcome{okOn: map[string]bool{}}
	apiSteps := 0
	for _, s := range r.rep.Steps {
		switch s.Kind {
		case StepToken:
			if s.Token != nil && !s.Token.FromCache && !s.Token.Supplied && r.access != nil {
				o.tokenIssued = true
			}
			if s.Verdict == Fail && r.access == nil {
				o.tokenFailed = true
			}
		case StepAPI:
			if s.Verdict == Skipped {
				continue
			}
			apiSteps++
			answered := false
			for _, x := range s.Exchanges {
				answered = answered || x.Status != 0
			}
			if answered {
				o.apiAnswered++
			}
			for _, f := range s.Findings {
				switch {
				case f.Code == APIOK:
					o.apiOK++
					site := "DomainAPI"
					if strings.Contains(f.Evidence[EvURL], "/tableapi/") {
						site = "TableAPI"
					}
					o.okOn[site] = true
				case refusalCodes[f.Code]:
					o.refused = true
				case f.Code == APIForbiddenScope:
					o.missingScope = append(o.missingScope, f.Evidence[EvScope])
				case f.Code == APINotFound:
					o.notFound = true
				}
			}
		}
	}
	o.works = o.apiOK > 0 && !o.refused
	o.allOK = apiSteps > 0 && o.apiOK == apiSteps
	return o
}

// judge applies the rules to every finding of the run.
func (r *run) judge() {
	o := r.outcome()
	for i := range r.rep.Steps {
		st := &r.rep.Steps[i]
		changed := false
		for j := range st.Findings {
			if r.judgeFinding(st.Kind, &st.Findings[j], o) {
				changed = true
			}
		}
		if changed && st.Verdict != Skipped {
			st.Verdict = StepVerdict(st.Findings)
		}
	}
	r.reconcileAdvice()
}

// judgeFinding raises or lowers one finding; it reports whether it changed it.
func (r *run) judgeFinding(kind StepKind, f *Finding, o outcome) bool {
	accepted := "every API call that reached the instance accepted the token"
	switch f.Code {
	// Reachability: the anonymous probes failed, but the API answered.
	case NetDNS, NetRefused, NetTimeout, NetReset, NetTLSUnknownAuth, NetTLSHostname, NetTLSExpired, NetTLSOther, NetProxy, NetOther:
		if kind == StepReachability && o.works {
			return adjust(f, SevWarn, "Later requests to the instance worked (the API calls succeeded), so only this anonymous probe failed: a proxy or firewall may block it.")
		}
	case ReachHTTPError:
		if o.works {
			return adjust(f, SevWarn, "The API calls succeeded, so only the anonymous probes are refused (a proxy or WAF rule, or a site setting); integrations that use them for health checks would see the errors.")
		}
	case ReachNotERPNet:
		if o.tokenIssued && o.works {
			return adjust(f, SevInfo, "The identity server issued a token and the API accepted it, so this is a working instance whose anonymous probes look different.")
		}
	case ReachAutoDiscMissing:
		if o.allOK {
			return adjust(f, SevInfo, "Every API call succeeded with the assumed OData root, so the standard layout is right for this instance.")
		}
	case ReachODataRootDiffers:
		if o.notFound && strings.TrimSpace(r.p.ODataRoot) != "" {
			return adjust(f, SevFail, "The profile's own OData root was used and an API call answered 404: use the root auto-discovery publishes.")
		}
	case ReachSiteNotWorking:
		if site := f.Evidence[EvActual]; site != "" && o.okOn[site] {
			return adjust(f, SevInfo, "This run's calls to the "+site+" site succeeded, so the status is out of date.")
		}

	// Discovery: the token request and the API proved more than the document.
	case DiscNotFound, DiscBadDocument:
		if o.tokenIssued && o.works {
			return adjust(f, SevWarn, "The token endpoint at the standard path ("+r.tokenURL+") issued a token and the API accepted it, so this app works; integrations that configure themselves from discovery (IdentityModel, ASP.NET JwtBearer, ErpNet.Api.Client) would still fail.")
		}
	case DiscIssuerMismatch:
		if o.works && f.Evidence[EvActual] != "" {
			return adjust(f, SevWarn, "The instance's API accepted this run's token anyway, but clients that check the issuer ("+rejectsDiscovery+"; "+rejectsTokenIss+") refuse it.")
		}
	case DiscNoClientCreds:
		if o.tokenIssued {
			return adjust(f, SevWarn, "The client_credentials grant worked anyway (a token was issued), so only the document is incomplete; clients that check grant_types_supported first would not try it.")
		}
	case DiscNoTokenEndpoint:
		if o.tokenIssued {
			return adjust(f, SevWarn, "The standard token endpoint "+r.tokenURL+" issued a token, so only the document is incomplete; clients that read token_endpoint from discovery would fail.")
		}
	case DiscTokenEndpointOverride:
		if o.tokenFailed {
			return adjust(f, SevWarn, "The token request to this override failed: try the discovered endpoint (clear the override).")
		}

	// Token: what the API did with the granted scopes.
	case TokScopeNarrowed:
		if miss := intersect(o.missingScope, strings.Fields(f.Evidence[EvMissing])); len(miss) > 0 {
			return adjust(f, SevFail, "An API call was refused because the token lacks "+quoteList(miss)+".")
		}
	case TokNoScopes:
		if len(o.missingScope) > 0 {
			return adjust(f, SevFail, "API calls were refused for lack of a scope.")
		}
		if o.allOK {
			return adjust(f, SevInfo, "Every API call succeeded anyway, so this instance does not enforce scopes on these calls.")
		}
	case TokScopeUnknown:
		if s := f.Evidence[EvScope]; s != "" && slices.Contains(r.grantedScope, s) {
			return adjust(f, SevInfo, "The server granted it, so this instance knows the scope.")
		}
	case TokNotBearer:
		if o.works {
			return adjust(f, SevInfo, "The API accepted it as a Bearer token.")
		}

	// Inspect: the local checks against what the API accepted.
	case TokExpired, TokNotYetValid:
		if o.works {
			return adjust(f, SevWarn, accepted+", so this computer's clock is probably wrong: check it (NTP).")
		}
	case TokSignatureInvalid, TokUnknownKid:
		if o.works {
			return adjust(f, SevWarn, accepted+", so the instance signed it with a key the fetched JWKS does not match (keys rotated since, or a cache in front of the JWKS); clients that verify signatures would refuse it until the keys agree.")
		}
	case TokAlgNotAllowed:
		if o.works && !strings.EqualFold(f.Evidence[EvAlg], "none") {
			return adjust(f, SevWarn, accepted+"; clients that allow only RS256 would refuse it.")
		}
	case TokIssuerMismatch:
		if o.works {
			return adjust(f, SevWarn, accepted+" anyway, but clients that validate the issuer ("+rejectsTokenIss+") refuse it.")
		}
	case TokAudienceMismatch:
		if o.works {
			return adjust(f, SevInfo, accepted+".")
		}
	case TokNoSystemUser:
		if o.works {
			return adjust(f, SevWarn, "It works: "+accepted+". But it does not look like an ERP.net client-credentials token (no client_system_user), so who it acts as cannot be shown.")
		}
	case TokMalformed:
		if o.works {
			return adjust(f, SevWarn, accepted+", so the instance uses a token format this tool cannot decode.")
		}
	}
	return false
}

// adjust sets a finding's severity and adds why, unless it already has it.
func adjust(f *Finding, sev Severity, why string) bool {
	if f.Severity == sev {
		return false
	}
	verb := "lowered"
	if rank(sev) > rank(f.Severity) {
		verb = "raised"
	}
	f.Severity = sev
	f.Message = strings.TrimSpace(f.Message) + " " + why
	if f.Evidence == nil {
		f.Evidence = map[string]string{}
	}
	f.Evidence[EvAdjusted] = verb + " to " + string(sev) + ": " + why
	return true
}

func rank(s Severity) int {
	switch s {
	case SevFail:
		return 2
	case SevWarn:
		return 1
	}
	return 0
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// scopeLegacyFinding is the DomainApi warning, by the instance's version when known:
// servers of version 20.1 needed the scope, later versions treat it as obsolete.
func scopeLegacyFinding(version string, ev map[string]string) Finding {
	ev[EvVersion] = version
	switch {
	case strings.HasPrefix(version, "20.1."):
		f := newFinding(TokScopeLegacy, "The scope DomainApi is legacy, but this instance reports version "+version+", and servers of version 20.1 need it: keep requesting it until the instance is upgraded, then request read and update instead.", ev)
		f.Severity = SevInfo
		return f
	case version != "":
		return newFinding(TokScopeLegacy, "The scope DomainApi is obsolete on this instance's version "+version+" (only servers of version 20.1 needed it); request read and update instead.", ev)
	}
	return newFinding(TokScopeLegacy, "The scope DomainApi is legacy: only servers of version 20.1 need it, later versions treat it as obsolete; request read and update instead unless the instance is still on 20.1.", ev)
}
