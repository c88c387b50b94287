package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"time"

	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/internal/platform"
	"trustedapp-tester/sandbox"
)

func sandboxUsage() string {
	return lang.X("cli.usage.sandbox", `Usage: trustedapp-check sandbox [flags]

Runs a local ERP.net instance emulator (identity server + Domain API) with one
Trusted App per scenario, prints for every scenario the values to paste into a
profile and what it demonstrates, then serves until Ctrl-C (SIGINT) or SIGTERM.
The request log goes to stderr (never secrets or whole tokens).
Besides the client-credentials scenarios, the reference-token scenarios give an
enrt_ token (a SAT, a PAT, an expired one) and the basic ones a user and password
(kind, user and client_secret in --json), for profiles of those kinds.

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
  --record-needs-sec     Trusted App records (Systems_Security_TrustedApplications)
                         need the sec scope, which ERP.net reserves for itself: the
                         API read is refused (403), and the record is checked from
                         its form's values (trustedapp-check record --from-form)
  --quiet                no request log

What is ERP.net's and what is the sandbox's: every scenario ends with what of it
is documented (the page it follows) and what is a guess. Documented: the token
request and its error codes with the docs' typical messages, the token's claims,
sessions (20 minutes idle, 1 hour for a service session, one licence slot each),
MaximumLicenseCountExceeded, the default rate limits and 429, auto-discovery, the
tools, the model's entity sets. Guesses, where the docs are silent: HTTP statuses
and bodies of token errors (400, IdentityServer4's shape), of a write without
update (403), of MaximumLicenseCountExceeded (500; 503 with --config) and of a
record read without sec (403); Retry-After values; 401 wording; what an inactive
System User, an empty Scope field or dropped sign-in scopes give; HTTP Basic at the
token endpoint; who holds the licences in the licence-exhausted scenario.

Exit codes: 0 stopped cleanly, 2 bad flags, 3 bad --config file or cannot listen.

`)
}

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
	needsSec := fs.Bool("record-needs-sec", false, "")
	// Flags only, so the first argument that is none ends them.
	if err := fs.Parse(e.args); err != nil {
		return nil, flagErr(err, sandboxUsage()+sandbox.ConfigFileHelp+"\n", sandboxUsage())
	}
	if fs.NArg() > 0 {
		return nil, withUsage(sandboxUsage(), fmt.Errorf(lang.X("cli.sandbox.unexpected_argument_command_takes_flags", "unexpected argument %q (the command takes flags only)"), fs.Arg(0)))
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
			return nil, usageErr(lang.X("cli.sandbox.token_lifetime_not_duration_at", "--token-lifetime %q is not a duration of at least 1s: write e.g. 30s, 5m or 1h"), *lifetime)
		}
		o.cfg.TokenLifetime = d
	}
	if *slots < 0 || *slots > 10000 {
		return nil, usageErr(lang.X("cli.sandbox.licence_slots_use_number_from", "--licence-slots %d: use a number from 1 to 10000"), *slots)
	}
	if *slots > 0 {
		o.cfg.LicenseSlots = *slots
	}
	o.cfg.Addr, o.cfg.TLS = *addr, *useTLS
	if *needsSec {
		o.cfg.RecordNeedsSec = true
	}
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
			return envErr(lang.X("cli.sandbox.cannot_write_scenarios", "cannot write the scenarios: %v"), err)
		}
		fmt.Fprintf(o.stderr, lang.X("cli.sandbox.sandbox_serving_at_authority_ctrl", "sandbox serving at %s (authority %s)%s; Ctrl-C stops it\n"), srv.URL(), srv.Authority(), caNote(srv))
	} else {
		printScenarios(o.stdout, srv, cfg.Apps)
	}
	<-o.ctx.Done()
	if err := srv.Close(); err != nil {
		return envErr(lang.X("cli.sandbox.stopping", "stopping: %v"), err)
	}
	fmt.Fprintln(o.stderr, lang.X("cli.sandbox.sandbox_stopped", "sandbox stopped"))
	return nil
}

// curlName is how curl is called in the user's shell: curl.exe in PowerShell, where
// Windows PowerShell 5.1 runs Invoke-WebRequest for "curl" (Windows 10 and later ship
// curl.exe).
func curlName(sys platform.System) string {
	if sys.PowerShell() {
		return "curl.exe"
	}
	return "curl"
}

func caNote(srv *sandbox.Server) string {
	if srv.CAFile() == "" {
		return ""
	}
	return lang.X("cli.sandbox.tls_ca_file", ", TLS CA file ") + srv.CAFile()
}

func printScenarios(w io.Writer, srv *sandbox.Server, extra []sandbox.TrustedApp) {
	fmt.Fprintf(w, lang.X("cli.sandbox.erp_net_sandbox_serving_instance", "ERP.net sandbox serving\n  instance   %s\n  authority  %s\n"), srv.URL(), srv.Authority())
	if ca := srv.CAFile(); ca != "" {
		fmt.Fprintf(w, lang.X("cli.sandbox.tls_ca", "  TLS CA     %s\n             trust it in the profile's TLS settings (CA file), or: %s --cacert %s\n"), ca, curlName(platform.Current()), platform.Current().Quote(ca))
	}
	fmt.Fprint(w, lang.X("cli.sandbox.scenarios_paste_these_values_into", "\nScenarios: paste these values into a profile (the secrets are public sandbox demo secrets).\n"))
	for _, sc := range srv.Scenarios() {
		fmt.Fprintf(w, "\n%s: %s\n", sc.Name, sc.Description)
		row := func(k, v string) {
			if v != "" {
				fmt.Fprintf(w, "  %s %s\n", i18n.Pad(k, 14), v)
			}
		}
		row("kind", sc.Kind)
		row("instance", sc.Instance)
		if sc.Kind != sandbox.KindClientCredentials {
			// A reference token or Basic: the identity server is not asked.
			row("client_id", sc.ClientID)
			row("user", sc.User)
			row(map[string]string{sandbox.KindReferenceToken: lang.X("cli.sandbox.token", "token"), sandbox.KindBasic: lang.X("cli.sandbox.password", "password")}[sc.Kind], sc.ClientSecret)
			row(lang.X("cli.sandbox.acts_as", "acts as"), sc.SystemUser)
			row(lang.X("cli.sandbox.expect", "expect"), sc.Expect)
			continue
		}
		row("authority", sc.Authority)
		row("client_id", sc.ClientID)
		row("client_secret", sc.ClientSecret)
		scope := sc.Scope
		if scope == "" {
			scope = lang.X("cli.sandbox.send_none", "(send none)")
		}
		row("scope", scope)
		row(lang.X("cli.sandbox.auth_method", "auth method"), sc.AuthMethod)
		row(lang.X("cli.sandbox.system_user", "system user"), sc.SystemUser)
		row(lang.X("cli.sandbox.expect", "expect"), sc.Expect)
		for i, c := range sc.Calls {
			k := ""
			if i == 0 {
				k = lang.X("cli.sandbox.calls", "calls")
			}
			line := c.Method + " " + c.Path
			if c.Body != "" {
				line += "  " + c.Body
			}
			fmt.Fprintf(w, "  %s %s\n", i18n.Pad(k, 14), line)
		}
	}
	if len(extra) > 0 {
		fmt.Fprintf(w, lang.X("cli.sandbox.trusted_apps_from_config_authority", "\nTrusted Apps from --config (authority %s; their secrets are the ones you hashed):\n"), srv.Authority())
		for _, a := range extra {
			fmt.Fprintf(w, lang.X("cli.sandbox.config_app", "  %s  scope %q\n"), a.ApplicationURI, a.Scope)
		}
	}
	if sc, ok := srv.Scenario("healthy"); ok {
		ca := ""
		if srv.CAFile() != "" {
			ca = " --cacert " + platform.Current().Quote(srv.CAFile())
		}
		curl := curlName(platform.Current())
		fmt.Fprintf(w, lang.X("cli.sandbox.try_it_s_connect_token", "\nTry it:\n  %s -s%s %s/connect/token -d grant_type=client_credentials -d client_id=%s -d client_secret=%s -d %s\n"),
			curl, ca, sc.Authority, platform.Current().Quote(sc.ClientID), platform.Current().Quote(sc.ClientSecret), platform.Current().Quote("scope="+sc.Scope))
	}
	fmt.Fprintln(w, lang.X("cli.sandbox.ctrl_c_stops_sandbox", "\nCtrl-C stops the sandbox."))
}
