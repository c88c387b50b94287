package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"trustedapp-tester/explain"
)

const explainUsage = `Usage:
  trustedapp-check explain [--json] < error.txt

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
`

func runExplain(e env) int {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	asJSON := fs.Bool("json", false, "")
	pos, err := parseInterleaved(fs, e.args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(e.stdout, explainUsage)
		return exitOK
	}
	if err == nil && len(pos) > 0 {
		err = fmt.Errorf("unexpected argument %q: pipe the text in on stdin (an argument would stay in shell history with any secret in it)", pos[0])
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "trustedapp-check explain: %v\n\n%s", err, explainUsage)
		return exitUsage
	}
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintln(e.stderr, "Paste the error, then press Ctrl-D on a line of its own (Ctrl-Z and Enter on Windows):")
	}
	var in []byte
	if e.stdin != nil {
		in, err = io.ReadAll(io.LimitReader(e.stdin, explain.MaxInput+1))
		if err != nil {
			fmt.Fprintf(e.stderr, "trustedapp-check explain: cannot read stdin: %v\n", err)
			return exitEnvironment
		}
	}
	if strings.TrimSpace(string(in)) == "" {
		fmt.Fprint(e.stderr, "trustedapp-check explain: stdin was empty; pipe the error in, e.g. trustedapp-check explain < error.txt\n")
		return exitUsage
	}
	res := explain.Text(string(in))
	code := exitOK
	if !res.Recognised {
		code = exitFailed
	}
	if *asJSON {
		if _, err := writeJSONOut(e, res); err != nil {
			fmt.Fprintf(e.stderr, "trustedapp-check explain: %v\n", err)
			return exitEnvironment
		}
		return code
	}
	var b bytes.Buffer
	explain.WriteText(&b, res)
	e.stdout.Write(b.Bytes())
	return code
}
