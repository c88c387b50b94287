package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/safetext"
	"trustedapp-tester/profiles"
	"trustedapp-tester/report"
)

// profiles list and profiles show.

// viewOptions is what list and show parse their command lines into.
type viewOptions struct {
	storeOptions
	json bool
	name string // show's NAME
}

func parseList(e env) (*viewOptions, error) {
	o := &viewOptions{storeOptions: storeOptions{env: e}}
	fs := o.flags("list")
	fs.BoolVar(&o.json, "json", false, lang.X("cli.flag.json", "print JSON"))
	_, err := o.parse(fs, 0, 0, "list [--json] [--store FILE]")
	return o, err
}

func listRun(o *viewOptions) error {
	s, err := o.open()
	if err != nil {
		return err
	}
	ps := s.List()
	if o.json {
		return writeIndented(o.stdout, ps)
	}
	if len(ps) == 0 {
		fmt.Fprintf(o.stdout, lang.X("cli.profiles_show.no_profiles_add_one_trustedapp", "No profiles in %s.\nAdd one: trustedapp-check profiles add NAME --instance URL --client-id ID --scope \"read update\"\n"), s.Path())
		return nil
	}
	tw := tabwriter.NewWriter(o.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, lang.X("cli.profiles_show.name_environment_instance_client_id", "NAME\tENVIRONMENT\tINSTANCE\tCLIENT ID\tSCOPES\tSECRET"))
	now := time.Now()
	for _, p := range ps {
		scopes := strings.Join(p.Scopes, " ")
		switch {
		case p.KindOf() == profiles.KindReferenceToken:
			scopes = lang.X("cli.profiles_show.reference_token", "(reference token)")
		case p.KindOf() == profiles.KindBasic:
			scopes = fmt.Sprintf(lang.X("cli.profiles_show.basic_as", "(basic as %s)"), p.User)
		case scopes == "":
			scopes = lang.X("cli.profiles_show.none", "(none)")
		}
		secret := lang.X("cli.profiles_show.not_set", "not set")
		if a := profiles.SecretAge(p, now); a.Set {
			secret = strings.TrimPrefix(a.Message, "secret ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", safetext.Line(p.Name), safetext.Line(dash(p.Environment)), safetext.Line(p.InstanceURL), safetext.Line(p.ClientID), safetext.Line(scopes), secret)
	}
	tw.Flush()
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// writeIndented prints v as indented JSON (with <, > and & escaped, as
// encoding/json's Marshal does).
func writeIndented(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return envErr("%v", err)
	}
	w.Write(append(b, '\n'))
	return nil
}

type secretJSON struct {
	Status string `json:"status"` // keychain, session, not_set, keychain_unavailable
	Detail string `json:"detail,omitempty"`
	profiles.SecretAgeInfo
	SetAt *time.Time `json:"set_at,omitempty"`
}

// showJSON is what show --json prints, and what its text shows.
type showJSON struct {
	Profile profiles.Profile `json:"profile"`
	// Kind is how the profile signs in (client-credentials when the file leaves it
	// out); Credential what its keychain entry holds for that kind.
	Kind         profiles.Kind      `json:"kind"`
	Credential   string             `json:"credential"`
	AuthorityURL string             `json:"authority_url"`
	TokenURL     string             `json:"token_url,omitempty"`
	ODataRootURL string             `json:"odata_root_url"`
	Calls        []profiles.APICall `json:"effective_calls"`
	Timeout      string             `json:"timeout"`
	Secret       secretJSON         `json:"secret"`
	Problems     []profiles.Problem `json:"problems"`
	// ProxyRoute is the way a run would take to the instance now: the profile's
	// proxy, the environment's or the system's (a PAC file evaluated), or none.
	ProxyRoute *check.ProxyUse `json:"proxy_route,omitempty"`
	// ProxyError is why no way could be chosen (a proxy URL that cannot be used).
	ProxyError string `json:"proxy_error,omitempty"`
}

func parseShow(e env) (*viewOptions, error) {
	o := &viewOptions{storeOptions: storeOptions{env: e}}
	fs := o.flags("show")
	fs.BoolVar(&o.json, "json", false, lang.X("cli.flag.json", "print JSON"))
	var err error
	o.name, err = o.parseName(fs, "show NAME [--json] [--store FILE]")
	return o, err
}

func showRun(o *viewOptions) error {
	s, p, err := o.openProfile(o.name)
	if err != nil {
		return err
	}
	var others []profiles.Profile
	for _, q := range s.List() {
		if q.Name != p.Name {
			others = append(others, q)
		}
	}
	problems := profiles.Validate(p, others)
	if problems == nil {
		problems = []profiles.Problem{}
	}
	out := showJSON{Profile: p, Kind: p.KindOf(), Credential: p.KindOf().SecretName(), AuthorityURL: p.AuthorityURL(), TokenURL: p.TokenURL(), ODataRootURL: p.ODataRootURL(),
		Calls: p.EffectiveCalls(), Timeout: p.Timeout().String(), Secret: secretOf(p), Problems: problems}
	out.ProxyRoute, out.ProxyError = proxyRouteOf(p)
	if o.json {
		return writeIndented(o.stdout, out)
	}
	writeShowText(o.stdout, out)
	return nil
}

// proxyRouteOf is the proxy a run of p would take to its instance now, or why
// none can be chosen. A PAC file may be downloaded to evaluate it; nothing is sent
// to the instance.
func proxyRouteOf(p profiles.Profile) (*check.ProxyUse, string) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	use, err := check.ProxyFor(ctx, p, p.Root())
	if err != nil {
		return nil, err.Error()
	}
	return &use, ""
}

// secretOf is where the profile's secret is and how old it is.
func secretOf(p profiles.Profile) secretJSON {
	sec := newSecrets()
	sj := secretJSON{SecretAgeInfo: profiles.SecretAge(p, time.Now())}
	if !p.SecretSetAt.IsZero() {
		t := p.SecretSetAt
		sj.SetAt = &t
	}
	switch sec.Status(p.Name) {
	case profiles.SecretInKeychain:
		sj.Status = "keychain"
	case profiles.SecretSessionOnly:
		sj.Status = "session"
	case profiles.SecretNotSet:
		sj.Status = "not_set"
	default:
		sj.Status = "keychain_unavailable"
		if err := sec.Available(); err != nil {
			sj.Detail = err.Error()
		}
	}
	return sj
}

// writeShowText prints a profile as show does: a row a field, derived values marked.
func writeShowText(stdout io.Writer, out showJSON) {
	p, sj := out.Profile, out.Secret
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(w, "%s:\t%s\n", k, safetext.Line(v)) }
	derived := func(override, value string) string {
		if strings.TrimSpace(override) == "" {
			return value + lang.X("cli.profiles_show.derived", " (derived)")
		}
		return value
	}
	row(lang.X("cli.show.name", "Name"), p.Name)
	row(lang.X("cli.show.environment", "Environment"), dash(p.Environment))
	row(lang.X("cli.show.kind", "Kind"), string(out.Kind)+": "+kindLabel(out.Kind))
	if len(p.Tags) > 0 {
		row(lang.X("cli.show.tags", "Tags"), strings.Join(p.Tags, ", "))
	}
	row(lang.X("cli.show.instance", "Instance"), p.InstanceURL)
	if out.Kind == profiles.KindClientCredentials {
		row(lang.X("cli.show.authority", "Authority"), derived(p.Authority, p.AuthorityURL()))
		if p.TokenURL() != "" {
			row(lang.X("cli.show.token_endpoint", "Token endpoint"), p.TokenURL())
		} else {
			row(lang.X("cli.show.token_endpoint", "Token endpoint"), lang.X("cli.show.from_discovery", "(from discovery)"))
		}
	}
	row(lang.X("cli.show.odata_root", "OData root"), derived(p.ODataRoot, p.ODataRootURL()))
	writeKindRows(row, p, out.Kind)
	for i, call := range out.Calls {
		k := ""
		if i == 0 {
			k = lang.X("cli.show.calls", "API calls")
			if len(p.Calls) == 0 {
				k = lang.X("cli.show.calls_default", "API calls (default)")
			}
		}
		v := call.Method + " " + call.Path
		if call.Body != "" {
			v += lang.X("cli.show.with_body", "  (with body)")
		}
		fmt.Fprintf(w, "%s\t%s\n", strings.TrimSpace(k+":"), safetext.Line(v))
	}
	switch {
	case p.TLS.InsecureSkipVerify:
		row("TLS", lang.X("cli.show.tls_off", "certificate verification OFF"))
	case p.TLS.CAFile != "":
		row("TLS", lang.X("cli.show.tls_roots_plus", "system roots + ")+p.TLS.CAFile)
	default:
		row("TLS", lang.X("cli.show.tls_roots", "system roots"))
	}
	switch {
	case out.ProxyRoute != nil:
		row(lang.X("cli.show.proxy", "Proxy"), report.RouteIn(lang.Localizer(), *out.ProxyRoute)+fmt.Sprintf(lang.X("cli.show.proxy_now", " (now, for %s)"), out.ProxyRoute.Host))
		for _, n := range out.ProxyRoute.Notes {
			row(lang.X("cli.show.proxy_note", "Proxy note"), n)
		}
	case out.ProxyError != "":
		row(lang.X("cli.show.proxy", "Proxy"), lang.X("cli.show.proxy_unusable", "cannot be chosen: ")+out.ProxyError)
	}
	if len(p.ConfirmedHosts) > 0 {
		row(lang.X("cli.show.confirmed_hosts", "Confirmed hosts"), strings.Join(p.ConfirmedHosts, ", ")+lang.X("cli.show.confirmed_hosts_note", " (the access token may go there too)"))
	}
	row(lang.X("cli.show.timeout", "Timeout"), out.Timeout)
	if p.Notes != "" {
		row(lang.X("cli.show.notes", "Notes"), p.Notes)
	}
	row(lang.X("cli.show.created", "Created"), fmtTime(p.Created))
	row(lang.X("cli.show.updated", "Updated"), fmtTime(p.Updated))
	secretLine := map[string]string{"keychain": fmt.Sprintf(lang.X("cli.show.secret_keychain", "stored in %s"), keychain()), "session": lang.X("cli.show.secret_session", "session only"),
		"not_set": lang.X("cli.profiles_show.not_set", "not set"), "keychain_unavailable": fmt.Sprintf(lang.X("cli.show.keychain_unavailable", "%s unavailable"), keychain())}[sj.Status]
	if sj.Set {
		secretLine += "; " + sj.Message
	}
	if sj.Status == "not_set" {
		secretLine += fmt.Sprintf(lang.X("cli.show.set_it", " (set it: trustedapp-check profiles set-secret %s)"), platform.Current().Quote(p.Name))
	}
	if stored, stale := profiles.StaleSecret(p); stale {
		secretLine = fmt.Sprintf(lang.X("cli.show.stale_secret", "the keychain holds a %s set for a %s profile, not sent as this profile's %s (set it: trustedapp-check profiles set-secret %s)"),
			secretName(stored), string(stored), secretName(out.Kind), platform.Current().Quote(p.Name))
	}
	label, hostLabel := lang.X("cli.show.secret", "Secret"), lang.X("cli.show.secret_host", "Secret host")
	switch out.Kind {
	case profiles.KindReferenceToken:
		label, hostLabel = lang.X("cli.show.reference_token", "Reference token"), lang.X("cli.show.reference_token_host", "Reference token host")
	case profiles.KindBasic:
		label, hostLabel = lang.X("cli.show.password", "Password"), lang.X("cli.show.password_host", "Password host")
	}
	row(label, secretLine)
	if from, to, moved := profiles.SecretMoved(p); moved {
		row(hostLabel, fmt.Sprintf(lang.X("cli.show.secret_moved", "stored for %s; not sent to %s (profiles edit %s --move-secrets to let it follow)"),
			strings.Join(from, ", "), strings.Join(to, ", "), platform.Current().Quote(p.Name)))
	}
	w.Flush()
	if sj.Detail != "" {
		fmt.Fprintln(stdout, sj.Detail)
	}
	if len(out.Problems) > 0 {
		fmt.Fprintln(stdout, lang.X("cli.show.problems", "\nProblems:"))
		for _, pr := range out.Problems {
			fmt.Fprintf(stdout, "  %s: %s: %s\n", pr.Severity, pr.Field, safetext.Line(pr.Message))
		}
	}
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04:05 MST")
}

// writeKindRows are show's rows of how the profile signs in: the client_id, auth
// method and scopes of client credentials; a reference token's app; a basic
// profile's user and the Trusted App that governs Basic.
func writeKindRows(row func(k, v string), p profiles.Profile, k profiles.Kind) {
	clientID := lang.X("cli.show.client_id", "Client ID")
	switch k {
	case profiles.KindReferenceToken:
		row(clientID, dashOr(p.ClientID, lang.X("cli.show.client_id_none_reference", "(none: the Trusted App the token was made for, to read its record and its tokens)")))
		row(lang.X("cli.show.record_checklist", "Record checklist"), lang.X("cli.show.record_checklist_reference", "ReferenceTokens is checked for reference tokens issued on purpose"))
	case profiles.KindBasic:
		row(lang.X("cli.show.user", "User"), p.User)
		if strings.TrimSpace(p.ClientID) == "" {
			row(lang.X("cli.show.basic_app", "Basic app"), fmt.Sprintf(lang.X("cli.show.basic_app_default", "%s (the documented default)"), profiles.BasicAuthApp))
		} else {
			row(lang.X("cli.show.basic_app", "Basic app"), p.ClientID)
		}
	default:
		row(clientID, p.ClientID)
		if p.Method() == profiles.AuthBasic {
			row(lang.X("cli.show.auth_method", "Auth method"), lang.X("cli.show.auth_basic", "basic (HTTP Basic header)"))
		} else {
			row(lang.X("cli.show.auth_method", "Auth method"), lang.X("cli.show.auth_post", "post (client_secret in the form body)"))
		}
		if len(p.Scopes) == 0 {
			row(lang.X("cli.show.scopes", "Scopes"), lang.X("cli.show.no_scopes", "(none: the token request sends no scope parameter)"))
		} else {
			row(lang.X("cli.show.scopes", "Scopes"), strings.Join(p.Scopes, " "))
		}
		if p.UsesReferenceTokens {
			row(lang.X("cli.show.reference_tokens", "Reference tokens"), lang.X("cli.show.reference_tokens_on_purpose", "issued on purpose for this Trusted App (the record checklist checks ReferenceTokens for it)"))
		}
	}
}

func dashOr(s, or string) string {
	if strings.TrimSpace(s) == "" {
		return or
	}
	return s
}
