package main

import (
	"flag"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"trustedapp-tester/profiles"
)

// parseInterleaved parses flags placed before, between and after the positional
// arguments. After "--" every argument is positional, even one that looks like a flag
// (a profile called "-x", say).
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if endedAtTerminator(fs, args, rest) {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// endedAtTerminator reports whether fs.Parse(args) stopped at a "--", which the flag
// package consumes without saying so: the last consumed argument is "--" and it was
// not the value of the flag before it ("--notes --").
func endedAtTerminator(fs *flag.FlagSet, args, rest []string) bool {
	n := len(args) - len(rest)
	if n == 0 || args[n-1] != "--" {
		return false
	}
	return n < 2 || !takesValue(fs, args[n-2])
}

// takesValue reports whether arg is a flag of fs that takes its value from the next
// argument.
func takesValue(fs *flag.FlagSet, arg string) bool {
	if !strings.HasPrefix(arg, "-") || strings.Contains(arg, "=") {
		return false
	}
	f := fs.Lookup(strings.TrimLeft(arg, "-"))
	if f == nil {
		return false
	}
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return !ok || !b.IsBoolFlag()
}

// repeated is a flag that may be given more than once (--call).
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, "; ") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

// profileFields are the flags that set a profile's fields, one set of them for
// 'profiles add/edit' and for 'check', 'token' and 'record' (which build or override a
// profile for one run).
type profileFields struct {
	instance, clientID, scope, auth, authority, tokenEndpoint, odataRoot string
	caFile, proxy, timeout                                               string
	insecure                                                             bool
	calls                                                                repeated
	confirm                                                              repeated // --confirm-host
}

// bind registers the flags on fs; withCalls adds --call.
func (f *profileFields) bind(fs *flag.FlagSet, withCalls bool) {
	fs.StringVar(&f.instance, "instance", "", "instance root `URL`")
	fs.StringVar(&f.clientID, "client-id", "", "the Trusted App's ApplicationUri")
	fs.StringVar(&f.scope, "scope", "", "requested scopes, e.g. \"read update\"")
	fs.StringVar(&f.auth, "auth", "", "client authentication: post or basic")
	fs.StringVar(&f.authority, "authority", "", "authority override `URL`")
	fs.StringVar(&f.tokenEndpoint, "token-endpoint", "", "token endpoint override `URL`")
	fs.StringVar(&f.odataRoot, "odata-root", "", "OData root override `URL`")
	fs.StringVar(&f.caFile, "ca-file", "", "extra CA certificates (PEM `FILE`)")
	fs.BoolVar(&f.insecure, "insecure-skip-verify", false, "turn certificate verification OFF")
	fs.StringVar(&f.proxy, "proxy", "", "explicit proxy `URL`")
	fs.StringVar(&f.timeout, "timeout", "", "per-call timeout, e.g. 30s")
	if withCalls {
		fs.Var(&f.calls, "call", "API call \"METHOD PATH [BODY]\" (repeatable)")
	}
	fs.Var(&f.confirm, "confirm-host", "a host besides the instance the access token may go to (repeatable)")
}

var scopeSplit = regexp.MustCompile(`[\s,]+`)

// apply copies onto p the fields whose flags were given (set). --timeout is left to
// the caller: a profile keeps whole seconds, a run takes any duration (timeoutFlag).
func (f *profileFields) apply(p *profiles.Profile, set map[string]bool) error {
	if set["instance"] {
		p.InstanceURL = strings.TrimSpace(f.instance)
	}
	if set["client-id"] {
		p.ClientID = strings.TrimSpace(f.clientID)
	}
	if set["scope"] {
		p.Scopes = nil
		for _, s := range scopeSplit.Split(strings.TrimSpace(f.scope), -1) {
			if s != "" {
				p.Scopes = append(p.Scopes, s)
			}
		}
	}
	if set["auth"] {
		switch strings.ToLower(strings.TrimSpace(f.auth)) {
		case "post", "body":
			p.AuthMethod = profiles.AuthPost
		case "basic":
			p.AuthMethod = profiles.AuthBasic
		default:
			return usageErr("--auth %q: use post (form body, the default) or basic (HTTP Basic header)", f.auth)
		}
	}
	if set["authority"] {
		p.Authority = strings.TrimSpace(f.authority)
	}
	if set["token-endpoint"] {
		p.TokenEndpoint = strings.TrimSpace(f.tokenEndpoint)
	}
	if set["odata-root"] {
		p.ODataRoot = strings.TrimSpace(f.odataRoot)
	}
	if set["ca-file"] {
		p.TLS.CAFile = strings.TrimSpace(f.caFile)
		if p.TLS.CAFile != "" {
			if abs, err := filepath.Abs(p.TLS.CAFile); err == nil {
				p.TLS.CAFile = abs
			}
		}
	}
	if set["insecure-skip-verify"] {
		p.TLS.InsecureSkipVerify = f.insecure
	}
	if set["proxy"] {
		p.Proxy = strings.TrimSpace(f.proxy)
	}
	if set["confirm-host"] {
		for _, h := range f.confirm {
			if _, _, err := profiles.ConfirmHost(p, h); err != nil {
				return usageErr("--confirm-host %q: %v", h, err)
			}
		}
	}
	if set["call"] {
		p.Calls = nil
		for _, v := range f.calls {
			c, err := profiles.ParseCall(v)
			if err != nil {
				return usageErr("--call %q: %v", v, err)
			}
			p.Calls = append(p.Calls, c)
		}
	}
	return nil
}

// timeoutFlag reads --timeout when it was given (0 when not, or for the default).
func (f *profileFields) timeoutFlag(set map[string]bool) (time.Duration, error) {
	if !set["timeout"] {
		return 0, nil
	}
	d, err := profiles.ParseTimeout(f.timeout)
	if err != nil {
		return 0, usageErr("--timeout %q: %v", f.timeout, err)
	}
	return d, nil
}

// givenFlags is the set of flags given on the command line.
func givenFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	return set
}

// withMethods fills "{methods}" in a usage text with the methods an API call may use
// (profiles.Methods, the one list).
func withMethods(usage string) string {
	return strings.ReplaceAll(usage, "{methods}", strings.Join(profiles.MethodNames(), ", "))
}
