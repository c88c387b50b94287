package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/report"
)

const tokenUsage = `Usage:
  trustedapp-check token PROFILE [flags]
  trustedapp-check token --instance URL --client-id ID [flags]

Prints only the access token on stdout, for scripts:
  curl -H "Authorization: Bearer $(trustedapp-check token prod)" ...
With --json, prints the token response instead (access_token, token_type,
expires_in, expires_at, scope). This command exists to print a token: treat its
output as a credential. When no token is issued, the reasons go to stderr.

Flags: the same profile and secret flags as 'check' (--store, --instance,
--client-id, --scope, --auth, --authority, --token-endpoint, --ca-file,
--insecure-skip-verify, --proxy, --timeout, --secret-stdin), plus
  --json     print the token response as JSON
  --fresh    always request a new token

Exit codes: 0 token printed, 1 no token was issued, 2 usage error,
3 store, profile, secret or keychain problem, 4 interrupted.
`

// tokenResponse is what token --json prints.
type tokenResponse struct {
	AccessToken string    `json:"access_token"`
	TokenType   string    `json:"token_type,omitempty"`
	ExpiresIn   int       `json:"expires_in,omitempty"`
	ExpiresAt   time.Time `json:"expires_at,omitzero"`
	Scope       string    `json:"scope,omitempty"`
}

func runToken(e env) int {
	f := &checkFlags{parallel: 1}
	fs := newCheckFlagSet("token", f, false)
	pos, err := parseInterleaved(fs, e.args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(e.stdout, tokenUsage)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "trustedapp-check token: %v\n\n%s", err, tokenUsage)
		return exitUsage
	}
	f.set = map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
	fail := commandFailer(e, "token", "")
	timeout, err := f.timeoutOf()
	if err != nil {
		return fail(err)
	}
	targets, err := resolveTargets(e, f, pos)
	if err != nil {
		return fail(err)
	}
	t := targets[0]
	rep := check.Run(ctxOrBackground(e.ctx), t.p, t.secret, check.Options{Mode: check.TokenOnly, Fresh: f.fresh, Timeout: timeout, Cache: newTokenCache()}, nil)
	newHistoryWriter(e).appendRun(t.p, rep)
	if rep.Cancelled {
		fmt.Fprintln(e.stderr, "trustedapp-check token: interrupted")
		return exitInterrupted
	}
	if rep.Access == nil {
		d := report.Build(rep, t.p)
		d.Forget(t.secret)
		fmt.Fprintln(e.stderr, "trustedapp-check token: no token was issued:")
		report.WriteText(e.stderr, d)
		return exitFailed
	}
	if f.json {
		tr := tokenResponse{AccessToken: rep.Access.Reveal()}
		if i := rep.Token; i != nil {
			tr.TokenType, tr.ExpiresIn, tr.Scope = i.Type, i.ExpiresIn, i.ResponseScope
			if e := i.ExpiresAt(); !e.IsZero() {
				tr.ExpiresAt = e.UTC().Truncate(time.Second)
			}
		}
		b, _ := json.MarshalIndent(tr, "", "  ")
		fmt.Fprintf(e.stdout, "%s\n", b)
		return exitOK
	}
	fmt.Fprintln(e.stdout, rep.Access.Reveal())
	return exitOK
}
