package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/compare"
	"trustedapp-tester/guide"
	"trustedapp-tester/internal/redact"
	"trustedapp-tester/internal/safetext"
)

// tlsOff says that certificate checks were off, wherever a report names the run; the
// text report's header line is "TLS verification was " + tlsOff.
const (
	tlsOff     = "OFF (insecure_skip_verify): the server's certificate was not checked, so a man in the middle would have gone unnoticed"
	tlsOffText = "TLS verification was " + tlsOff
)

func mark(v check.Verdict) string {
	switch v {
	case check.Pass:
		return "PASS"
	case check.Warn:
		return "WARN"
	case check.Fail:
		return "FAIL"
	case check.Skipped:
		return "SKIP"
	}
	return strings.ToUpper(string(v))
}

func ms(d int64) string {
	if d >= 10000 {
		return fmt.Sprintf("%.1f s", float64(d)/1000)
	}
	return fmt.Sprintf("%d ms", d)
}

// WriteText writes the human-readable report: one line per step, and under each
// failing or warning step its findings with their explanations; then who the token
// acts as.
func WriteText(w io.Writer, d Document) error {
	var b bytes.Buffer
	if p := d.Profile; p != nil {
		fmt.Fprintf(&b, "Profile %s: %s (client_id %s, auth %s)\n", line(p.Name), line(p.Instance), line(p.ClientID), line(p.AuthMethod))
		if p.InsecureSkipVerify {
			fmt.Fprintf(&b, "%s\n", tlsOffText)
		}
		if p.TokenEndpoint != "" {
			fmt.Fprintf(&b, "Token endpoint (set in the profile): %s\n", line(p.TokenEndpoint))
		}
		if p.ODataRoot != "" {
			fmt.Fprintf(&b, "OData root (set in the profile): %s\n", line(p.ODataRoot))
		}
		if len(p.ConfirmedHosts) > 0 {
			fmt.Fprintf(&b, "Hosts you confirmed for the access token: %s\n", line(strings.Join(p.ConfirmedHosts, ", ")))
		}
	}
	writeProxyText(&b, d.Proxies)
	width := 0
	for _, s := range d.Steps {
		if n := len([]rune(line(s.Name))); n > width {
			width = n
		}
	}
	explained := map[string]bool{} // each code's explanation is printed once
	for _, s := range d.Steps {
		fmt.Fprintf(&b, "%s  %-*s  %8s", mark(s.Verdict), width, line(s.Name), ms(s.DurationMS))
		if s.Summary != "" {
			fmt.Fprintf(&b, "  %s", line(s.Summary))
		}
		b.WriteByte('\n')
		if s.Verdict != check.Fail && s.Verdict != check.Warn {
			continue
		}
		for _, f := range s.Findings {
			if f.Severity == check.SevInfo {
				continue
			}
			fmt.Fprintf(&b, "      %s %s: %s\n", strings.ToUpper(string(f.Severity)), line(f.Code), line(f.Message))
			if x := f.Explanation; x != nil {
				if explained[f.Code] {
					fmt.Fprintf(&b, "        (explained above)\n")
					continue
				}
				explained[f.Code] = true
				writeExplanationText(&b, *x, "        ")
			}
		}
	}
	writeIdentityText(&b, d)
	writeAdviceText(&b, d.LeastPrivilege)
	if d.Session != nil && d.Session.Summary != "" {
		fmt.Fprintf(&b, "\nSession:   %s\n", d.Session.Summary)
	}
	if d.Drift != nil {
		fmt.Fprintf(&b, "Drift:     %s\n", line(compare.DriftLine(*d.Drift)))
	}
	verdict := mark(d.Verdict)
	if d.Cancelled {
		verdict += " (cancelled)"
	}
	fmt.Fprintf(&b, "Verdict: %s\n", verdict)
	_, err := w.Write(d.scrubDoc(b.Bytes()))
	return err
}

func writeExplanationText(b *bytes.Buffer, x guide.Explanation, ind string) {
	fmt.Fprintf(b, "%s%s\n", ind, line(x.Title))
	fmt.Fprintf(b, "%s%s\n", ind, line(x.What))
	if len(x.Causes) > 0 {
		fmt.Fprintf(b, "%sLikely causes:\n", ind)
		for _, c := range x.Causes {
			fmt.Fprintf(b, "%s  - %s\n", ind, line(c))
		}
	}
	if len(x.Fields) > 0 {
		fmt.Fprintf(b, "%sCheck:\n", ind)
		for _, f := range x.Fields {
			fmt.Fprintf(b, "%s  - %s\n", ind, line(fieldText(f)))
		}
	}
	if len(x.Steps) > 0 {
		fmt.Fprintf(b, "%sFix:\n", ind)
		for i, s := range x.Steps {
			fmt.Fprintf(b, "%s  %d. %s\n", ind, i+1, line(s))
		}
	}
	if x.Confirm != "" {
		fmt.Fprintf(b, "%sConfirm: %s\n", ind, line(x.Confirm))
	}
	if x.DocURL != "" {
		fmt.Fprintf(b, "%sDocs: %s\n", ind, line(x.DocURL))
	}
}

func fieldText(f guide.Field) string {
	s := f.Where + " " + f.Name
	if f.Expect != "" {
		s += ": " + f.Expect
	}
	return s
}

func writeIdentityText(b *bytes.Buffer, d Document) {
	c := d.Claims
	if c == nil {
		return
	}
	b.WriteByte('\n')
	if c.SystemUser.Login != "" {
		who := line(c.SystemUser.Login)
		if c.SystemUser.Type != "" {
			who += " (" + line(c.SystemUser.Type) + ")"
		}
		fmt.Fprintf(b, "Acts as:   %s\n", who)
	} else if c.Kind == "jwt" {
		fmt.Fprintf(b, "Acts as:   (no System User claim)\n")
	}
	if c.Database != "" {
		fmt.Fprintf(b, "Database:  %s\n", line(c.Database))
	}
	if c.ClientID != "" {
		fmt.Fprintf(b, "Client:    %s\n", line(c.ClientID))
	}
	if c.Issuer != "" {
		fmt.Fprintf(b, "Issuer:    %s\n", line(c.Issuer))
	}
	fmt.Fprintf(b, "Scopes:    requested %s; granted %s\n", line(scopeList(c.ScopesRequested, "(none: the app's whole Scope field)")), line(scopeList(c.ScopesGranted, "(none)")))
	if c.ExpiresAt != nil {
		fmt.Fprintf(b, "Expires:   %s\n", c.ExpiresAt.UTC().Format(time.RFC3339))
	}
	fmt.Fprintf(b, "Signature: %s\n", line(c.Signature))
	if d.Token != nil && d.Token.Fingerprint != "" {
		fmt.Fprintf(b, "Token:     …%s (sha256 %s)\n", line(d.Token.Last6), line(d.Token.Fingerprint))
	}
}

func scopeList(s []string, empty string) string {
	if len(s) == 0 {
		return empty
	}
	return strings.Join(s, " ")
}

// WriteMarkdown writes the diagnostics report for a support ticket: tool, OS and
// time; the profile without its secret; a summary; every step with its findings,
// explanations and exchanges; the decoded claims.
func WriteMarkdown(w io.Writer, d Document) error {
	var b bytes.Buffer
	title := "Trusted App diagnostics report"
	if d.Profile != nil && d.Profile.Name != "" {
		title += ": " + d.Profile.Name
	}
	fmt.Fprintf(&b, "# %s\n\n", mdText(title))
	fmt.Fprintf(&b, "| | |\n|---|---|\n")
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "| %s | %s |\n", k, mdCell(v))
		}
	}
	row("Verdict", mark(d.Verdict)+map[bool]string{true: " (cancelled)"}[d.Cancelled])
	if d.Profile != nil && d.Profile.InsecureSkipVerify {
		row("TLS verification", tlsOff)
	}
	row("Tool", d.Tool.Name+" "+d.Tool.Version)
	row("OS", d.Tool.OS+"/"+d.Tool.Arch)
	row("Generated", d.GeneratedAt.UTC().Format(time.RFC3339))
	if !d.StartedAt.IsZero() {
		row("Run started", d.StartedAt.UTC().Format(time.RFC3339))
		row("Run took", ms(d.DurationMS))
	}
	b.WriteString("\nThis report contains no client secret. Tokens appear only as their last 6 characters and SHA-256 fingerprint.\n")

	if p := d.Profile; p != nil {
		b.WriteString("\n## Profile\n\n| | |\n|---|---|\n")
		row("Name", p.Name)
		row("Environment", p.Environment)
		row("Instance", p.Instance)
		row("Authority", p.Authority)
		row("client_id", p.ClientID)
		row("Auth method", p.AuthMethod)
		row("Scopes requested", scopeList(p.ScopesRequested, "(none: the app's whole Scope field)"))
		row("Token endpoint", p.TokenEndpoint)
		row("OData root (set in the profile)", p.ODataRoot)
		row("Hosts you confirmed for the access token", strings.Join(p.ConfirmedHosts, ", "))
		row("Proxy", p.Proxy)
		if p.InsecureSkipVerify {
			row("TLS verification", tlsOff)
		} else {
			row("TLS verification", "on")
		}
	}

	writeProxyMarkdown(&b, d.Proxies)

	if s := d.Session; s != nil && s.Summary != "" {
		b.WriteString("\n## ERP.net session and licence\n\n" + mdText(s.Summary) + "\n")
	}

	b.WriteString("\n## Summary\n\n| Step | Result | Time | Summary |\n|---|---|---|---|\n")
	for _, s := range d.Steps {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", mdCell(s.Name), mark(s.Verdict), ms(s.DurationMS), mdCell(s.Summary))
	}

	if c := d.Claims; c != nil {
		b.WriteString("\n## Token and claims\n\n| | |\n|---|---|\n")
		row("Acts as (client_system_user)", c.SystemUser.Login)
		row("System User type", c.SystemUser.Type)
		row("System User id", c.SystemUser.ID)
		row("Database (client_db)", c.Database)
		row("client_id", c.ClientID)
		row("Issuer", c.Issuer)
		row("Audiences", strings.Join(c.Audiences, ", "))
		row("Scopes requested", scopeList(c.ScopesRequested, "(none)"))
		row("Scopes granted", scopeList(c.ScopesGranted, "(none)"))
		if c.IssuedAt != nil {
			row("Issued", c.IssuedAt.UTC().Format(time.RFC3339))
		}
		if c.ExpiresAt != nil {
			row("Expires", c.ExpiresAt.UTC().Format(time.RFC3339))
		}
		row("Signature", c.Signature)
		row("Key id", c.Kid)
		row("Kind", string(c.Kind))
		if t := d.Token; t != nil {
			row("Token", "…"+t.Last6)
			row("Token SHA-256", t.Fingerprint)
		}
		if len(c.All) > 0 {
			b.WriteString("\nAll claims:\n\n| Claim | Value |\n|---|---|\n")
			for _, cl := range c.All {
				fmt.Fprintf(&b, "| %s | %s |\n", mdCell(cl.Name), mdCell(cl.Value))
			}
		}
	} else if t := d.Token; t != nil {
		b.WriteString("\n## Token\n\n| | |\n|---|---|\n")
		row("Token", "…"+t.Last6)
		row("Token SHA-256", t.Fingerprint)
	}

	writeAdviceMarkdown(&b, d.LeastPrivilege)

	b.WriteString("\n## Steps\n")
	for _, s := range d.Steps {
		fmt.Fprintf(&b, "\n### %s: %s\n\n", mark(s.Verdict), mdText(s.Name))
		if s.Summary != "" {
			fmt.Fprintf(&b, "%s (%s)\n", mdText(s.Summary), ms(s.DurationMS))
		}
		for _, f := range s.Findings {
			fmt.Fprintf(&b, "\n#### %s `%s`\n\n%s\n", strings.ToUpper(string(f.Severity)), f.Code, mdText(f.Message))
			if len(f.Evidence) > 0 {
				b.WriteString("\nEvidence:\n\n")
				for _, k := range sortedKeys(f.Evidence) {
					fmt.Fprintf(&b, "- %s: %s\n", k, mdCode(f.Evidence[k]))
				}
			}
			if x := f.Explanation; x != nil && f.Severity != check.SevInfo {
				writeExplanationMarkdown(&b, *x)
			}
		}
		for i, x := range s.Exchanges {
			writeExchangeMarkdown(&b, i+1, x)
		}
	}
	_, err := w.Write(d.scrubDoc(b.Bytes()))
	return err
}

func writeExplanationMarkdown(b *bytes.Buffer, x guide.Explanation) {
	fmt.Fprintf(b, "\n**%s**\n\n%s\n", mdText(x.Title), mdText(x.What))
	if len(x.Causes) > 0 {
		b.WriteString("\nLikely causes:\n\n")
		for _, c := range x.Causes {
			fmt.Fprintf(b, "- %s\n", mdText(c))
		}
	}
	if len(x.Fields) > 0 {
		b.WriteString("\nCheck:\n\n")
		for _, f := range x.Fields {
			fmt.Fprintf(b, "- %s\n", mdText(fieldText(f)))
		}
	}
	if len(x.Steps) > 0 {
		b.WriteString("\nFix:\n\n")
		for i, s := range x.Steps {
			fmt.Fprintf(b, "%d. %s\n", i+1, mdText(s))
		}
	}
	if x.Confirm != "" {
		fmt.Fprintf(b, "\nConfirm: %s\n", mdText(x.Confirm))
	}
	if x.DocURL != "" {
		fmt.Fprintf(b, "\nDocs: <%s>\n", x.DocURL)
	}
}

func writeExchangeMarkdown(b *bytes.Buffer, n int, x check.Exchange) {
	status := "no response"
	if x.Status != 0 {
		status = fmt.Sprintf("%d", x.Status)
	}
	fmt.Fprintf(b, "\n<details><summary>Exchange %d: %s %s → %s (%s)</summary>\n\n", n, htmlText(x.Method), htmlText(x.URL), status, x.Timings.Total.Round(time.Millisecond))
	var req strings.Builder
	fmt.Fprintf(&req, "%s %s\n", line(x.Method), line(x.URL))
	writeHeaders(&req, x.RequestHeaders)
	if x.RequestBody != "" {
		req.WriteString("\n" + safetext.Block(x.RequestBody) + "\n")
	}
	b.WriteString("Request:\n\n" + fence(req.String()))
	if x.Status != 0 {
		var resp strings.Builder
		fmt.Fprintf(&resp, "%d\n", x.Status)
		writeHeaders(&resp, x.ResponseHeaders)
		if x.ResponseBody != "" {
			resp.WriteString("\n" + safetext.Block(x.ResponseBody) + "\n")
		}
		if x.HeadersCut > 0 {
			fmt.Fprintf(&resp, "\n[%d response headers not kept: the headers came to %d bytes, and headers and body together are held to the capture limit]\n", x.HeadersCut, x.HeaderBytes)
		}
		if x.Truncated {
			fmt.Fprintf(&resp, "\n[body truncated; %d bytes received]\n", x.Size)
		}
		b.WriteString("\nResponse:\n\n" + fence(resp.String()))
	}
	if x.Error != "" {
		fmt.Fprintf(b, "\nError: %s\n", mdCode(x.Error))
	}
	t := x.Timings
	fmt.Fprintf(b, "\nTimings: DNS %s, connect %s, TLS %s, first byte %s, total %s\n\n</details>\n",
		t.DNS.Round(time.Microsecond), t.Connect.Round(time.Microsecond), t.TLS.Round(time.Microsecond),
		t.FirstByte.Round(time.Microsecond), t.Total.Round(time.Microsecond))
}

func writeHeaders(b *strings.Builder, h map[string][]string) {
	for _, k := range sortedKeys(h) {
		for _, v := range h[k] {
			fmt.Fprintf(b, "%s: %s\n", line(k), line(v))
		}
	}
}

// fence wraps s in a code fence longer than any backtick run inside it.
func fence(s string) string {
	f := strings.Repeat("`", max(3, longestRun(s, '`')+1))
	return f + "\n" + strings.TrimRight(s, "\n") + "\n" + f + "\n"
}

// mdEscaper escapes the characters that make Markdown (CommonMark and GFM) markup
// inside a line: emphasis, code, HTML, links, headings, table cells, strikethrough and
// entities; "://" is broken up so no URL becomes a live link.
var mdEscaper = strings.NewReplacer("\\", "\\\\", "*", "\\*", "_", "\\_", "`", "\\`", "<", "&lt;", ">", "&gt;", "&", "&amp;",
	"[", "\\[", "]", "\\]", "#", "\\#", "|", "\\|", "~", "\\~", "@", "\\@", "://", ":\\/\\/")

var (
	// wwwRE finds the start of a www. autolink, in any case.
	wwwRE = regexp.MustCompile(`(?i)\bwww\.`)
	// blockStartRE finds line starts that would open a list, a thematic break or a
	// setext heading underline.
	blockStartRE = regexp.MustCompile(`^([-+=]|\d{1,9}[.)])`)
)

// mdText escapes prose for Markdown so outside text cannot inject markup, make a live
// link or start a block, and shows control, bidi and invisible characters as visible
// escapes. The result is one line.
func mdText(s string) string {
	s = mdEscaper.Replace(strings.Join(strings.Fields(line(s)), " "))
	s = wwwRE.ReplaceAllStringFunc(s, func(m string) string { return m[:3] + "\\." })
	if m := blockStartRE.FindString(s); m != "" {
		s = m[:len(m)-1] + "\\" + s[len(m)-1:]
	}
	return s
}

func mdCell(s string) string { return mdText(s) }

// mdCode shows a value whole as one inline code span: the fence is one backtick longer
// than the longest run of backticks in the value, and a value that starts or ends with
// a backtick is padded with a space on both sides (which CommonMark strips again).
func mdCode(s string) string {
	s = strings.Join(strings.Fields(line(s)), " ")
	if s == "" {
		return "(empty)"
	}
	f := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return f + " " + s + " " + f
	}
	return f + s + f
}

// longestRun is the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func htmlText(s string) string { return htmlEscaper.Replace(line(s)) }

// line shows outside text (a server's error description, a claim, a name) on one line
// with every control, bidi and invisible character as a visible escape, so it can
// neither move the cursor nor forge a line of the report.
func line(s string) string { return safetext.Line(s) }

// JUnit XML.

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string          `xml:"name,attr"`
	Tests     int             `xml:"tests,attr"`
	Failures  int             `xml:"failures,attr"`
	Skipped   int             `xml:"skipped,attr"`
	Time      string          `xml:"time,attr"`
	Timestamp string          `xml:"timestamp,attr,omitempty"`
	Props     *junitProps     `xml:"properties,omitempty"`
	Cases     []junitTestCase `xml:"testcase"`
}

type junitProps struct {
	Props []junitProp `xml:"property"`
}

type junitProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitTestCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *struct{}     `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func secs(msec int64) string { return fmt.Sprintf("%.3f", float64(msec)/1000) }

// WriteJUnit writes one testsuite per document, one testcase per step. A failing step
// is a <failure> carrying its findings' messages (type = the first failing code) and
// their fix steps; a skipped step is <skipped/>; warnings go to <system-out>. A run
// with certificate checks off gets a failing "TLS verification" testcase first.
func WriteJUnit(w io.Writer, docs []Document) error {
	var out junitSuites
	for _, d := range docs {
		name := "trustedapp-check"
		if d.Profile != nil && d.Profile.Name != "" {
			name = d.Profile.Name
		}
		s := junitSuite{Name: name, Time: secs(d.DurationMS)}
		if !d.StartedAt.IsZero() {
			s.Timestamp = d.StartedAt.UTC().Format("2006-01-02T15:04:05")
		}
		s.Props = &junitProps{Props: []junitProp{{"tool", d.Tool.Name + " " + d.Tool.Version}, {"verdict", string(d.Verdict)}}}
		if d.Profile != nil {
			s.Props.Props = append(s.Props.Props, junitProp{"instance", d.Profile.Instance}, junitProp{"client_id", d.Profile.ClientID})
			if len(d.Profile.ConfirmedHosts) > 0 {
				s.Props.Props = append(s.Props.Props, junitProp{"confirmed_hosts", strings.Join(d.Profile.ConfirmedHosts, " ")})
			}
		}
		if d.Session != nil {
			s.Props.Props = append(s.Props.Props, junitProp{"session", d.Session.State}, junitProp{"session_summary", d.Session.Summary})
		}
		if d.Profile != nil && d.Profile.InsecureSkipVerify {
			// Certificate checks off is a failure for CI, whatever the steps say.
			s.Tests++
			s.Failures++
			x := guide.Explain(check.NetTLSInsecure, nil)
			s.Cases = append(s.Cases, junitTestCase{Name: "TLS verification", Classname: "trustedapp-check." + name + ".tls", Time: secs(0),
				Failure: &junitFailure{Message: check.NetTLSInsecure + ": " + tlsOffText, Type: check.NetTLSInsecure, Text: strings.Join(append([]string{x.What}, x.Steps...), "\n")}})
		}
		for _, st := range d.Steps {
			tc := junitTestCase{Name: st.Name, Classname: "trustedapp-check." + name + "." + string(st.Kind), Time: secs(st.DurationMS)}
			var msgs, details, warns []string
			typ := ""
			for _, f := range st.Findings {
				switch f.Severity {
				case check.SevFail:
					if typ == "" {
						typ = f.Code
					}
					msgs = append(msgs, f.Code+": "+f.Message)
					details = append(details, f.Code+": "+f.Message)
					if x := f.Explanation; x != nil {
						details = append(details, "  "+x.What)
						for i, step := range x.Steps {
							details = append(details, fmt.Sprintf("  %d. %s", i+1, step))
						}
						if x.DocURL != "" {
							details = append(details, "  Docs: "+x.DocURL)
						}
					}
				case check.SevWarn:
					warns = append(warns, "WARN "+f.Code+": "+f.Message)
				}
			}
			switch st.Verdict {
			case check.Fail:
				s.Failures++
				if len(msgs) == 0 {
					msgs = []string{st.Summary}
					typ = "fail"
				}
				tc.Failure = &junitFailure{Message: strings.Join(msgs, "; "), Type: typ, Text: strings.Join(details, "\n")}
			case check.Skipped:
				s.Skipped++
				tc.Skipped = &struct{}{}
			}
			if len(warns) > 0 {
				tc.SystemOut = strings.Join(warns, "\n")
			}
			s.Tests++
			s.Cases = append(s.Cases, tc)
		}
		out.Suites = append(out.Suites, s)
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	b.WriteByte('\n')
	sets := make([]*redact.Secrets, 0, len(docs))
	for _, d := range docs {
		sets = append(sets, d.known)
	}
	_, err := io.WriteString(w, redact.Text(redact.Merge(sets...).Replace(b.String())))
	return err
}
