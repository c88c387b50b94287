package check

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"trustedapp-tester/internal/origin"
	"trustedapp-tester/profiles"
)

// Step 1, reachability: anonymous requests to the instance (/tools/ver,
// /api/domain/standardmodel, site auto-discovery) say whether it answers, its
// version, and the OData root it serves.

var versionRE = regexp.MustCompile(`^\d+(\.\d+){1,3}$`)

// autoDiscovery is the site auto-discovery document.
type autoDiscovery struct {
	Host     string `json:"Host"`
	DbName   string `json:"DbName"`
	WebSites []struct {
		Type                 string         `json:"Type"`
		Status               string         `json:"Status"`
		StatusDescription    string         `json:"StatusDescription"`
		URL                  string         `json:"Url"`
		AdditionalProperties map[string]any `json:"AdditionalProperties"`
	} `json:"WebSites"`
}

// reachability runs step 1; a transport failure sets r.rootDown.
func (r *run) reachability() (st Step) {
	start := time.Now()
	st = Step{Kind: StepReachability, Name: "Reachability"}
	col := &collector{}
	root := r.p.Root()
	defer func() { st.Exchanges = col.list(); st.Duration = time.Since(start) }()

	if u, _ := url.Parse(root); u != nil && u.Scheme == "http" && !isLoopback(u.Hostname()) {
		st.Findings = append(st.Findings, newFinding(NetInsecureHTTP, "The instance URL uses plain http://, so the secret and tokens would cross the network unencrypted; use https://.", map[string]string{EvURL: root}))
	}
	if r.p.TLS.InsecureSkipVerify {
		st.Findings = append(st.Findings, newFinding(NetTLSInsecure, "Certificate checks are turned off for this profile, so a man in the middle would go unnoticed.", map[string]string{EvHost: root}))
	}

	// /tools/ver: plain-text version.
	verResp, verBody, err := r.do(col, anonymous, http.MethodGet, root+"/tools/ver", nil, http.Header{"Accept": {"text/plain, */*"}})
	if err != nil {
		r.rootDown = true
		st.Findings = append(st.Findings, classifyNetErr(r.ctx, err, root+"/tools/ver", r.timeout()))
		st = finishStep(st, "Cannot reach "+hostOf(root))
		return st
	}
	version := strings.TrimSpace(string(verBody))
	verOK := verResp.StatusCode == http.StatusOK && versionRE.MatchString(version)
	if !verOK {
		version = ""
	}
	r.version = version
	smResp, smBody, err := r.do(col, anonymous, http.MethodGet, root+"/api/domain/standardmodel", nil, http.Header{"Accept": {"application/json"}})
	if err != nil {
		st.Findings = append(st.Findings, classifyNetErr(r.ctx, err, root+"/api/domain/standardmodel", r.timeout()))
		return finishStep(st, "The instance stopped answering")
	}
	smOK := smResp.StatusCode == http.StatusOK && json.Valid(smBody) && !looksHTML(smResp.Header.Get("Content-Type"), smBody)
	switch {
	case verOK || smOK:
		ev := map[string]string{EvURL: root, EvVersion: version}
		msg := "The instance answered anonymous requests"
		if version != "" {
			msg += " and reports version " + version
		}
		st.Findings = append(st.Findings, newFinding(ReachOK, msg+".", ev))
	case verResp.StatusCode >= 400 && smResp.StatusCode >= 400:
		st.Findings = append(st.Findings, newFinding(ReachHTTPError,
			fmt.Sprintf("The instance answers with errors (%d on /tools/ver, %d on /api/domain/standardmodel): the server is up but the ERP.net sites are not working.", verResp.StatusCode, smResp.StatusCode),
			map[string]string{EvURL: root, EvStatus: fmt.Sprint(smResp.StatusCode)}))
	default:
		st.Findings = append(st.Findings, newFinding(ReachNotERPNet,
			"The server answered, but neither /tools/ver nor /api/domain/standardmodel looks like ERP.net; check the instance URL.",
			map[string]string{EvURL: root, EvStatus: fmt.Sprint(verResp.StatusCode), EvContentType: verResp.Header.Get("Content-Type")}))
	}
	if r.cancelled() {
		return finishStep(st, "Cancelled")
	}

	// Site auto-discovery: the newer path first, then the older one.
	var ad *autoDiscovery
	var adURL string
	for _, path := range []string{"/tools/auto-discovery", "/sys/auto-discovery"} {
		resp, body, err := r.do(col, anonymous, http.MethodGet, root+path, nil, http.Header{"Accept": {"application/json"}})
		if err != nil {
			if r.cancelled() {
				st.Findings = append(st.Findings, classifyNetErr(r.ctx, err, root+path, r.timeout()))
				return finishStep(st, "Cancelled")
			}
			continue
		}
		var d autoDiscovery
		if resp.StatusCode == http.StatusOK && json.Unmarshal(body, &d) == nil && len(d.WebSites) > 0 {
			ad, adURL = &d, root+path
			break
		}
	}
	if ad == nil {
		st.Findings = append(st.Findings, newFinding(ReachAutoDiscMissing,
			"Neither /tools/auto-discovery nor /sys/auto-discovery answered, so the OData root could not be confirmed; the default "+r.odataRoot+" is used.",
			map[string]string{EvURL: root}))
	} else {
		for _, s := range ad.WebSites {
			if strings.EqualFold(s.Status, "NotWorking") {
				st.Findings = append(st.Findings, newFinding(ReachSiteNotWorking,
					fmt.Sprintf("Auto-discovery lists the %s site as NotWorking%s.", s.Type, suffix(s.StatusDescription)),
					map[string]string{EvURL: s.URL, EvActual: s.Type, EvDescription: s.StatusDescription}))
			}
			if f, ok := r.apiSite(s.Type, s.URL, s.AdditionalProperties, adURL); ok {
				st.Findings = append(st.Findings, f)
			}
		}
	}
	sum := "Reachable"
	if version != "" {
		sum = "Reachable, version " + version
	}
	if StepVerdict(st.Findings) == Fail {
		sum = "The instance answers with errors"
	}
	return finishStep(st, sum)
}

func suffix(desc string) string {
	if desc = strings.TrimSpace(desc); desc != "" {
		return " (" + desc + ")"
	}
	return ""
}

// apiSite takes an API site auto-discovery lists: the Domain API's OData root
// (DomainAPI's ODataServiceRoot) and the Table API's site (TableAPI's Url, whose
// tables are at {Url}/tableapi/odata/). The run then sends its calls there. A site on
// another origin than the instance (host, port or scheme) is used too, but the access
// token goes there only when the user confirmed that host for the profile: the
// credential gate refuses it otherwise, and this finding says why. The profile's own
// OData root wins over the discovered one.
func (r *run) apiSite(typ, siteURL string, props map[string]any, adURL string) (Finding, bool) {
	var disc string
	switch {
	case strings.EqualFold(typ, "DomainAPI"):
		root, _ := props["ODataServiceRoot"].(string)
		if root == "" {
			return Finding{}, false
		}
		disc = strings.TrimRight(root, "/") + "/"
		if strings.TrimSpace(r.p.ODataRoot) != "" {
			if disc == r.p.ODataRootURL() {
				return Finding{}, false
			}
			return newFinding(ReachODataRootDiffers, "Auto-discovery gives the OData root "+disc+", but the profile sets "+r.p.ODataRootURL()+"; the profile's root is used.",
				map[string]string{EvURL: adURL, EvExpected: r.p.ODataRootURL(), EvActual: disc}), true
		}
		r.odataRoot = disc
	case strings.EqualFold(typ, "TableAPI"):
		disc = strings.TrimRight(strings.TrimSpace(siteURL), "/")
		if disc == "" || disc == r.p.Root() {
			return Finding{}, false
		}
		r.tableRoot = disc
		if !slices.ContainsFunc(r.p.EffectiveCalls(), func(c profiles.APICall) bool { return isTableAPIPath(strings.TrimSpace(c.Path)) }) {
			return Finding{}, false // where it is matters only to a profile that calls it
		}
	default:
		return Finding{}, false
	}
	site := "the Table API"
	if strings.EqualFold(typ, "DomainAPI") {
		site = "the Domain API's OData root"
	}
	inst, ierr := origin.Parse(r.p.Root())
	at, aerr := origin.Parse(disc)
	ev := map[string]string{EvURL: adURL, EvSite: typ, EvActual: disc, EvExpected: r.p.Root()}
	switch {
	case ierr == nil && aerr == nil && at.Key() == inst.Key():
		if typ == "DomainAPI" && disc != r.p.ODataRootURL() {
			ev[EvExpected] = r.p.ODataRootURL()
			return newFinding(ReachODataRootDiffers, "Auto-discovery gives the OData root "+disc+", not "+r.p.ODataRootURL()+"; the discovered root is used.", ev), true
		}
		return Finding{}, false
	case aerr == nil && slices.Contains(profiles.TokenOrigins(r.p), at.String()):
		ev[EvHost] = at.String()
		return newFinding(ReachAPIHostConfirmed, fmt.Sprintf("Auto-discovery gives %s at %s, on %s, a host you confirmed for this profile: the access token is sent there.", site, disc, at.Display()), ev), true
	}
	host := disc
	if aerr == nil {
		host = at.Display()
		ev[EvHost] = at.String()
	}
	return newFinding(ReachAPIHostForeign, fmt.Sprintf("Auto-discovery gives %s at %s, on %s, not on the instance (%s): the access token is not sent there unless you confirm that host for this profile.", site, disc, host, inst.String()), ev), true
}
