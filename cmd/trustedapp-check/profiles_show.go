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
	"trustedapp-tester/internal/safetext"
	"trustedapp-tester/internal/shellquote"
	"trustedapp-tester/profiles"
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
	fs.BoolVar(&o.json, "json", false, "print JSON")
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
		fmt.Fprintf(o.stdout, "No profiles in %s.\nAdd one: trustedapp-check profiles add NAME --instance URL --client-id ID --scope \"read update\"\n", s.Path())
		return nil
	}
	tw := tabwriter.NewWriter(o.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tENVIRONMENT\tINSTANCE\tCLIENT ID\tSCOPES\tSECRET")
	now := time.Now()
	for _, p := range ps {
		scopes := strings.Join(p.Scopes, " ")
		if scopes == "" {
			scopes = "(none)"
		}
		secret := "not set"
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
	Profile      profiles.Profile   `json:"profile"`
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
	fs.BoolVar(&o.json, "json", false, "print JSON")
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
	out := showJSON{Profile: p, AuthorityURL: p.AuthorityURL(), TokenURL: p.TokenURL(), ODataRootURL: p.ODataRootURL(),
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
			return value + " (derived)"
		}
		return value
	}
	row("Name", p.Name)
	row("Environment", dash(p.Environment))
	if len(p.Tags) > 0 {
		row("Tags", strings.Join(p.Tags, ", "))
	}
	row("Instance", p.InstanceURL)
	row("Authority", derived(p.Authority, p.AuthorityURL()))
	if p.TokenURL() != "" {
		row("Token endpoint", p.TokenURL())
	} else {
		row("Token endpoint", "(from discovery)")
	}
	row("OData root", derived(p.ODataRoot, p.ODataRootURL()))
	row("Client ID", p.ClientID)
	if p.Method() == profiles.AuthBasic {
		row("Auth method", "basic (HTTP Basic header)")
	} else {
		row("Auth method", "post (client_secret in the form body)")
	}
	if len(p.Scopes) == 0 {
		row("Scopes", "(none: the token request sends no scope parameter)")
	} else {
		row("Scopes", strings.Join(p.Scopes, " "))
	}
	for i, call := range out.Calls {
		k := ""
		if i == 0 {
			k = "API calls"
			if len(p.Calls) == 0 {
				k = "API calls (default)"
			}
		}
		v := call.Method + " " + call.Path
		if call.Body != "" {
			v += "  (with body)"
		}
		fmt.Fprintf(w, "%s\t%s\n", strings.TrimSpace(k+":"), safetext.Line(v))
	}
	switch {
	case p.TLS.InsecureSkipVerify:
		row("TLS", "certificate verification OFF")
	case p.TLS.CAFile != "":
		row("TLS", "system roots + "+p.TLS.CAFile)
	default:
		row("TLS", "system roots")
	}
	switch {
	case out.ProxyRoute != nil:
		row("Proxy", out.ProxyRoute.Route()+" (now, for "+out.ProxyRoute.Host+")")
		for _, n := range out.ProxyRoute.Notes {
			row("Proxy note", n)
		}
	case out.ProxyError != "":
		row("Proxy", "cannot be chosen: "+out.ProxyError)
	}
	if len(p.ConfirmedHosts) > 0 {
		row("Confirmed hosts", strings.Join(p.ConfirmedHosts, ", ")+" (the access token may go there too)")
	}
	row("Timeout", out.Timeout)
	if p.Notes != "" {
		row("Notes", p.Notes)
	}
	row("Created", fmtTime(p.Created))
	row("Updated", fmtTime(p.Updated))
	secretLine := map[string]string{"keychain": "stored in the system keychain", "session": "session only", "not_set": "not set",
		"keychain_unavailable": "keychain unavailable"}[sj.Status]
	if sj.Set {
		secretLine += "; " + sj.Message
	}
	if sj.Status == "not_set" {
		secretLine += " (set it: trustedapp-check profiles set-secret " + shellquote.Quote(p.Name) + ")"
	}
	row("Secret", secretLine)
	if from, to, moved := profiles.SecretMoved(p); moved {
		row("Secret host", "stored for "+strings.Join(from, ", ")+"; not sent to "+strings.Join(to, ", ")+" (profiles edit "+shellquote.Quote(p.Name)+" --move-secrets to let it follow)")
	}
	w.Flush()
	if sj.Detail != "" {
		fmt.Fprintln(stdout, sj.Detail)
	}
	if len(out.Problems) > 0 {
		fmt.Fprintln(stdout, "\nProblems:")
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
