package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"runtime"
	"time"

	"trustedapp-tester/internal/shellquote"
	"trustedapp-tester/sandbox"
)

const sandboxUsage = `Usage: trustedapp-check sandbox [flags]

Runs a local ERP.net instance emulator (identity server + Domain API) with one
Trusted App per scenario, prints for every scenario the values to paste into a
profile and what it demonstrates, then serves until Ctrl-C (SIGINT) or SIGTERM.
The request log goes to stderr (never secrets or whole tokens).

Flags:
  --addr HOST:PORT       listen address (default 127.0.0.1:0, a free port)
  --config FILE          extra Trusted App records and instance options (JSON, below)
  --tls                  serve HTTPS with a generated local CA; prints the CA file to trust
  --json                 print the scenarios as one JSON array on stdout, then serve
  --token-lifetime DUR   access-token lifetime, e.g. 30s or 1h (default 1h)
  --licence-slots N      concurrent API sessions (licence slots) of the instance
                         (default 10); each token's first API call opens one
  --tableapi-addr HOST:PORT
                         serve the Table API as a site of its own there (e.g.
                         localhost:0: another host name than the instance's), as
                         auto-discovery then lists it; profiles calling it need
                         that host confirmed (--confirm-host)
  --quiet                no request log

Exit codes: 0 stopped cleanly, 2 bad flags, 3 bad --config file or cannot listen.

`

// sandboxOptions is what sandbox parses its command line into: the server's
// configuration and how to show it.
type sandboxOptions struct {
	env
	cfg   sandbox.Config
	json  bool
	quiet bool
}

func parseSandbox(e env) (*sandboxOptions, error) {
	o := &sandboxOptions{env: e}
	fs := newFlagSet("sandbox")
	addr := fs.String("addr", sandbox.DefaultAddr, "")
	configFile := fs.String("config", "", "")
	useTLS := fs.Bool("tls", false, "")
	fs.BoolVar(&o.json, "json", false, "")
	lifetime := fs.String("token-lifetime", "", "")
	slots := fs.Int("licence-slots", 0, "")
	fs.BoolVar(&o.quiet, "quiet", false, "")
	fs.StringVar(&o.cfg.TableAPIAddr, "tableapi-addr", "", "")
	// Flags only, so the first argument that is none ends them.
	if err := fs.Parse(e.args); err != nil {
		return nil, flagErr(err, sandboxUsage+sandbox.ConfigFileHelp+"\n", sandboxUsage)
	}
	if fs.NArg() > 0 {
		return nil, withUsage(sandboxUsage, fmt.Errorf("unexpected argument %q (the command takes flags only)", fs.Arg(0)))
	}
	if *configFile != "" {
		c, err := sandbox.LoadConfigFile(*configFile)
		if err != nil {
			return nil, envErr("%v", err)
		}
		table := o.cfg.TableAPIAddr
		o.cfg = c
		o.cfg.TableAPIAddr = table
	}
	if *lifetime != "" {
		d, err := time.ParseDuration(*lifetime)
		if err != nil || d < time.Second {
			return nil, usageErr("--token-lifetime %q is not a duration of at least 1s: write e.g. 30s, 5m or 1h", *lifetime)
		}
		o.cfg.TokenLifetime = d
	}
	if *slots < 0 || *slots > 10000 {
		return nil, usageErr("--licence-slots %d: use a number from 1 to 10000", *slots)
	}
	if *slots > 0 {
		o.cfg.LicenseSlots = *slots
	}
	o.cfg.Addr, o.cfg.TLS = *addr, *useTLS
	return o, nil
}

// sandboxRun serves until the context ends (Ctrl-C, SIGTERM).
func sandboxRun(o *sandboxOptions) error {
	cfg := o.cfg
	if !o.quiet {
		cfg.Logger = log.New(o.stderr, "sandbox: ", log.LstdFlags)
	}
	srv, err := sandbox.Start(cfg)
	if err != nil {
		return envErr("%v", err)
	}
	defer srv.Close()

	if o.json {
		enc := json.NewEncoder(o.stdout)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(srv.Scenarios()); err != nil {
			return envErr("cannot write the scenarios: %v", err)
		}
		fmt.Fprintf(o.stderr, "sandbox serving at %s (authority %s)%s; Ctrl-C stops it\n", srv.URL(), srv.Authority(), caNote(srv))
	} else {
		printScenarios(o.stdout, srv, cfg.Apps)
	}
	<-o.ctx.Done()
	if err := srv.Close(); err != nil {
		return envErr("stopping: %v", err)
	}
	fmt.Fprintln(o.stderr, "sandbox stopped")
	return nil
}

func caNote(srv *sandbox.Server) string {
	if srv.CAFile() == "" {
		return ""
	}
	return ", TLS CA file " + srv.CAFile()
}

func printScenarios(w io.Writer, srv *sandbox.Server, extra []sandbox.TrustedApp) {
	fmt.Fprintf(w, "ERP.net sandbox serving\n  instance   %s\n  authority  %s\n", srv.URL(), srv.Authority())
	if ca := srv.CAFile(); ca != "" {
		fmt.Fprintf(w, "  TLS CA     %s\n             trust it in the profile's TLS settings (CA file), or: curl --cacert %s\n", ca, ca)
	}
	fmt.Fprintf(w, "\nScenarios: paste these values into a profile (the secrets are public sandbox demo secrets).\n")
	for _, sc := range srv.Scenarios() {
		fmt.Fprintf(w, "\n%s: %s\n", sc.Name, sc.Description)
		row := func(k, v string) {
			if v != "" {
				fmt.Fprintf(w, "  %-14s %s\n", k, v)
			}
		}
		row("instance", sc.Instance)
		row("authority", sc.Authority)
		row("client_id", sc.ClientID)
		row("client_secret", sc.ClientSecret)
		scope := sc.Scope
		if scope == "" {
			scope = "(send none)"
		}
		row("scope", scope)
		row("auth method", sc.AuthMethod)
		row("system user", sc.SystemUser)
		row("expect", sc.Expect)
		for i, c := range sc.Calls {
			k := ""
			if i == 0 {
				k = "calls"
			}
			line := c.Method + " " + c.Path
			if c.Body != "" {
				line += "  " + c.Body
			}
			fmt.Fprintf(w, "  %-14s %s\n", k, line)
		}
	}
	if len(extra) > 0 {
		fmt.Fprintf(w, "\nTrusted Apps from --config (authority %s; their secrets are the ones you hashed):\n", srv.Authority())
		for _, a := range extra {
			fmt.Fprintf(w, "  %s  scope %q\n", a.ApplicationURI, a.Scope)
		}
	}
	if sc, ok := srv.Scenario("healthy"); ok {
		ca := ""
		if srv.CAFile() != "" {
			ca = " --cacert " + shellquote.Quote(srv.CAFile())
		}
		curl := "curl"
		if runtime.GOOS == "windows" {
			curl = "curl.exe" // Windows PowerShell 5 runs Invoke-WebRequest for "curl"
		}
		fmt.Fprintf(w, "\nTry it:\n  %s -s%s %s/connect/token -d grant_type=client_credentials -d client_id=%s -d client_secret=%s -d %s\n",
			curl, ca, sc.Authority, shellquote.Quote(sc.ClientID), shellquote.Quote(sc.ClientSecret), shellquote.Quote("scope="+sc.Scope))
	}
	fmt.Fprintln(w, "\nCtrl-C stops the sandbox.")
}
