package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/platform"
	"trustedapp-tester/profiles"
	"trustedapp-tester/report"
)

func tokenUsage() string {
	return helpFor(lang.X("cli.usage.token", `Usage:
  trustedapp-check token PROFILE [flags]
  trustedapp-check token --instance URL --client-id ID [flags]

Prints only the access token on stdout, for scripts:
  {bearer:trustedapp-check token prod}
With --json, prints the token response instead (access_token, token_type,
expires_in, expires_at, scope). This command exists to print a token: treat its
output as a credential. When no token is issued, the reasons go to stderr.

Flags: the same profile and secret flags as 'check' (--store, --instance,
--client-id, --scope, --auth, --authority, --token-endpoint, --ca-file,
--insecure-skip-verify, --proxy, --timeout, --secret-stdin), plus
  --json     print the token response as JSON
  --fresh    always request a new token

Exit codes: 0 token printed, 1 no token was issued, 2 usage error,
3 store, profile, secret or {keychain} problem, 4 interrupted.
`))
}

// tokenResponse is what token --json prints.
type tokenResponse struct {
	AccessToken string    `json:"access_token"`
	TokenType   string    `json:"token_type,omitempty"`
	ExpiresIn   int       `json:"expires_in,omitempty"`
	ExpiresAt   time.Time `json:"expires_at,omitzero"`
	Scope       string    `json:"scope,omitempty"`
}

// tokenOptions is what token parses its command line into.
type tokenOptions struct{ targetOptions }

func parseToken(e env) (*tokenOptions, error) {
	o := &tokenOptions{targetOptions{env: e, checkFlags: checkFlags{parallel: 1}}}
	fs := newCheckFlagSet("token", &o.checkFlags, false)
	if err := o.parse(fs, tokenUsage(), tokenUsage()); err != nil {
		return nil, err
	}
	return o, nil
}

func tokenRun(o *tokenOptions) error {
	targets, err := resolveTargets(o.env, &o.checkFlags, o.names)
	if err != nil {
		return err
	}
	t := targets[0]
	switch t.p.KindOf() {
	case profiles.KindReferenceToken:
		return usageErr(lang.X("cli.token.reference_profile", "%q is a reference-token profile: its token is the credential kept in %s, which this tool never prints; check it with 'trustedapp-check check %s'"), t.p.Name, keychain(), platform.Current().Quote(t.p.Name))
	case profiles.KindBasic:
		return usageErr(lang.X("cli.token.basic_profile", "%q is a basic profile: Basic authentication sends a login and password with every call and has no token"), t.p.Name)
	}
	rep := check.Run(ctxOrBackground(o.ctx), t.p, t.secret, o.runOptions(tokenOnly), nil)
	newHistoryWriter(o.env).appendRun(t.p, rep)
	if rep.Cancelled {
		return errInterrupted
	}
	if rep.Access == nil {
		d := report.Build(rep, t.p)
		d.Localize(lang.Localizer())
		d.Forget(t.secret)
		var why bytes.Buffer
		report.WriteText(&why, d)
		return &cliError{code: exitFailed, msg: lang.X("cli.token.no_token", "no token was issued:"), detail: why.String()}
	}
	if o.json {
		tr := tokenResponse{AccessToken: rep.Access.Reveal()}
		if i := rep.Token; i != nil {
			tr.TokenType, tr.ExpiresIn, tr.Scope = i.Type, i.ExpiresIn, i.ResponseScope
			if e := i.ExpiresAt(); !e.IsZero() {
				tr.ExpiresAt = e.UTC().Truncate(time.Second)
			}
		}
		b, _ := json.MarshalIndent(tr, "", "  ")
		fmt.Fprintf(o.stdout, "%s\n", b)
		return nil
	}
	fmt.Fprintln(o.stdout, rep.Access.Reveal())
	return nil
}
