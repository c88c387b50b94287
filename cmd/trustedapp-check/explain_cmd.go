package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"trustedapp-tester/explain"
	"trustedapp-tester/internal/platform"
)

func explainUsage() string {
	return helpFor(lang.X("cli.usage.explain", `Usage:
  {pipe:error.txt:trustedapp-check explain [--json]}

Explains an error someone pasted (a log line, a response, an exception message) the
way a live check would: what it means, the likely causes, the Trusted App fields to
check and the fix. It reads stdin (on a terminal: paste, then Ctrl-D; Ctrl-Z Enter
on Windows). It understands:

  an OAuth error body            {"error":"invalid_client","error_description":...}
  a WWW-Authenticate header      Bearer error="invalid_token", error_description=...
  an OData error body            {"error":{"code":...,"message":...}}
  a licence or rate-limit answer MaximumLicenseCountExceeded, 429 Too Many Requests
  an HTTP status line            HTTP/1.1 403 Forbidden
  .NET / IdentityModel messages  IDX10223, "Response status code does not indicate
                                 success: 401 (Unauthorized).", HttpRequestException,
                                 IdentityModel's TokenResponse.Error, ErpNet.Api.Client
  network and TLS errors         of .NET, Go, curl and Python clients

Every secret, token, password, Basic or Bearer credential and JWT in the text is
removed before it is shown or reported. Text it does not recognise gets an honest
"not recognised" and the three most likely things to check. Nothing is sent anywhere.

Flags:
  --json   print the result as JSON (see docs/report-format.md)

Exit codes: 0 explained, 1 not recognised, 2 usage error (nothing on stdin).
`))
}

// explainOptions is what explain parses its command line into.
type explainOptions struct {
	env
	json bool
}

func parseExplain(e env) (*explainOptions, error) {
	o := &explainOptions{env: e}
	fs := newFlagSet("explain")
	fs.BoolVar(&o.json, "json", false, "")
	pos, err := parseArgs(fs, e.args, explainUsage(), explainUsage())
	if err != nil {
		return nil, err
	}
	if len(pos) > 0 {
		return nil, withUsage(explainUsage(), fmt.Errorf(lang.X("cli.explain.unexpected_argument_pipe_text_on", "unexpected argument %q: pipe the text in on stdin (an argument would stay in shell history with any secret in it)"), pos[0]))
	}
	return o, nil
}

func explainRun(o *explainOptions) error {
	if isTerminal(o.stdin) {
		fmt.Fprintln(o.stderr, lang.X("cli.explain.paste_error_then_press_ctrl", "Paste the error, then press Ctrl-D on a line of its own (Ctrl-Z and Enter on Windows):"))
	}
	var in []byte
	if o.stdin != nil {
		var err error
		if in, err = io.ReadAll(io.LimitReader(o.stdin, explain.MaxInput+1)); err != nil {
			return envErr(lang.X("cli.explain.cannot_read_stdin", "cannot read stdin: %v"), err)
		}
	}
	if strings.TrimSpace(string(in)) == "" {
		return usageErr(lang.X("cli.explain.stdin_was_empty_pipe_error", "stdin was empty; pipe the error in, e.g. %s"), platform.Current().Pipe("error.txt", "trustedapp-check explain"))
	}
	res := explain.Text(string(in))
	if o.json {
		if err := writeJSONOut(o.env, res); err != nil {
			return err
		}
	} else {
		var b bytes.Buffer
		explain.WriteTextIn(lang.Localizer(), &b, res)
		o.stdout.Write(b.Bytes())
	}
	if !res.Recognised {
		return exitWith(exitFailed)
	}
	return nil
}
