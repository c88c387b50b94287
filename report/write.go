package report

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/compare"
	"trustedapp-tester/guide"
	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/internal/safetext"
)

// tlsOff says that certificate checks were off, wherever a report names the run;
// tlsOffText is the text report's header line.
func tlsOff(lang *i18n.Localizer) string {
	return lang.X("report.tls_off", "OFF (insecure_skip_verify): the server's certificate was not checked, so a man in the middle would have gone unnoticed")
}

func tlsOffText(lang *i18n.Localizer) string {
	return lang.X("report.tls_off_text", "TLS verification was OFF (insecure_skip_verify): the server's certificate was not checked, so a man in the middle would have gone unnoticed")
}

// WriteText writes the human-readable report: one line per step, and under each
// failing or warning step its findings with their explanations; then who the token
// acts as.
func WriteText(w io.Writer, d Document) error {
	var b bytes.Buffer
	lang := d.lang
	if p := d.Profile; p != nil {
		fmt.Fprintf(&b, lang.X("report.text.profile", "Profile %s: %s (%s)")+"\n", line(p.Name), line(p.Instance), profileIDText(*p, lang))
		if p.InsecureSkipVerify {
			fmt.Fprintf(&b, "%s\n", tlsOffText(lang))
		}
		if p.TokenEndpoint != "" {
			fmt.Fprintf(&b, lang.X("report.text.token_endpoint", "Token endpoint (set in the profile): %s")+"\n", line(p.TokenEndpoint))
		}
		if p.ODataRoot != "" {
			fmt.Fprintf(&b, lang.X("report.text.odata_root", "OData root (set in the profile): %s")+"\n", line(p.ODataRoot))
		}
		if len(p.ConfirmedHosts) > 0 {
			fmt.Fprintf(&b, lang.X("report.text.confirmed_hosts", "Hosts you confirmed for the access token: %s")+"\n", line(strings.Join(p.ConfirmedHosts, ", ")))
		}
		writeKindHeaderText(&b, d)
	}
	writeProxyText(&b, d.Proxies, lang)
	width, marks := 0, markWidth(lang)
	for _, s := range d.Steps {
		width = max(width, i18n.Width(line(stepName(lang, s))))
	}
	explained := map[string]bool{} // each code's explanation is printed once
	for _, s := range d.Steps {
		fmt.Fprintf(&b, "%s  %s  %8s", i18n.Pad(markIn(lang, s.Verdict), marks), i18n.Pad(line(stepName(lang, s)), width), msIn(lang, s.DurationMS))
		if sum := summaryIn(lang, s); sum != "" {
			fmt.Fprintf(&b, "  %s", line(sum))
		}
		b.WriteByte('\n')
		if s.Verdict != check.Fail && s.Verdict != check.Warn {
			continue
		}
		for _, f := range s.Findings {
			if f.Severity == check.SevInfo {
				continue
			}
			msg := messageIn(lang, f)
			if x := f.Explanation; x != nil && msg == x.Title && !explained[f.Code] {
				// Said in another language, the message is the explanation's title,
				// which follows on the next line.
				fmt.Fprintf(&b, "      %s %s\n", severityIn(lang, f.Severity), line(f.Code))
			} else {
				fmt.Fprintf(&b, "      %s %s: %s\n", severityIn(lang, f.Severity), line(f.Code), line(msg))
			}
			if x := f.Explanation; x != nil {
				if explained[f.Code] {
					fmt.Fprintf(&b, "        %s\n", lang.X("report.text.explained_above", "(explained above)"))
					continue
				}
				explained[f.Code] = true
				writeExplanationText(&b, *x, "        ", lang)
			}
		}
	}
	lb := identityLabels(lang)
	if !writeKindIdentityText(&b, d, lb) {
		writeIdentityText(&b, d, lb)
	}
	writeMigrationText(&b, d)
	writeAdviceText(&b, d.LeastPrivilege, lang)
	if d.Session != nil && d.Session.Summary != "" {
		fmt.Fprintf(&b, "\n%s%s\n", lb.session, sessionIn(lang, d.Session))
	}
	if d.Drift != nil {
		fmt.Fprintf(&b, "%s%s\n", lb.drift, line(compare.DriftLineIn(lang, *d.Drift)))
	}
	writeHoldersText(&b, d.Session, lb, lang)
	verdict := markIn(lang, d.Verdict)
	if d.Cancelled {
		verdict += lang.X("report.cancelled", " (cancelled)")
	}
	fmt.Fprintf(&b, lang.X("report.text.verdict", "Verdict: %s")+"\n", verdict)
	_, err := w.Write(d.scrubDoc(b.Bytes()))
	return err
}

func writeExplanationText(b *bytes.Buffer, x guide.Explanation, ind string, lang *i18n.Localizer) {
	fmt.Fprintf(b, "%s%s\n", ind, line(x.Title))
	fmt.Fprintf(b, "%s%s\n", ind, line(x.What))
	if len(x.Causes) > 0 {
		fmt.Fprintf(b, "%s%s\n", ind, lang.X("report.likely_causes", "Likely causes:"))
		for _, c := range x.Causes {
			fmt.Fprintf(b, "%s  - %s\n", ind, line(c))
		}
	}
	if len(x.Fields) > 0 {
		fmt.Fprintf(b, "%s%s\n", ind, lang.X("report.check", "Check:"))
		for _, f := range x.Fields {
			fmt.Fprintf(b, "%s  - %s\n", ind, line(fieldText(f, lang)))
		}
	}
	if len(x.Steps) > 0 {
		fmt.Fprintf(b, "%s%s\n", ind, lang.X("report.fix", "Fix:"))
		for i, s := range x.Steps {
			fmt.Fprintf(b, "%s  %d. %s\n", ind, i+1, line(s))
		}
	}
	if x.Confirm != "" {
		fmt.Fprintf(b, "%s"+lang.X("report.confirm", "Confirm: %s")+"\n", ind, line(x.Confirm))
	}
	if x.DocURL != "" {
		fmt.Fprintf(b, "%s"+lang.X("report.docs", "Docs: %s")+"\n", ind, line(x.DocURL))
	}
}

func fieldText(f guide.Field, lang *i18n.Localizer) string {
	s := guide.WhereIn(lang, f.Where) + " " + f.Name
	if f.Expect != "" {
		s += ": " + f.Expect
	}
	return s
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
	lang := d.lang
	title := lang.X("report.md.title", "Trusted App diagnostics report")
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
	none := lang.X("report.none", "(none)")
	row(lang.X("report.md.verdict", "Verdict"), markIn(lang, d.Verdict)+map[bool]string{true: lang.X("report.cancelled", " (cancelled)")}[d.Cancelled])
	if d.Profile != nil && d.Profile.InsecureSkipVerify {
		row(lang.X("report.md.tls", "TLS verification"), tlsOff(lang))
	}
	row(lang.X("report.md.tool", "Tool"), d.Tool.Name+" "+d.Tool.Version)
	row(lang.X("report.md.os", "OS"), d.Tool.OS+"/"+d.Tool.Arch)
	row(lang.X("report.md.generated", "Generated"), d.GeneratedAt.UTC().Format(time.RFC3339))
	if !d.StartedAt.IsZero() {
		row(lang.X("report.md.run_started", "Run started"), d.StartedAt.UTC().Format(time.RFC3339))
		row(lang.X("report.md.run_took", "Run took"), msIn(lang, d.DurationMS))
	}
	b.WriteString("\n" + lang.X("report.md.no_secret", "This report contains no client secret. Tokens appear only as their last 6 characters and SHA-256 fingerprint.") + "\n")

	if p := d.Profile; p != nil {
		b.WriteString("\n## " + lang.X("report.md.profile", "Profile") + "\n\n| | |\n|---|---|\n")
		row(lang.X("report.md.name", "Name"), p.Name)
		row(lang.X("report.md.environment", "Environment"), p.Environment)
		row(lang.X("report.md.instance", "Instance"), p.Instance)
		row(lang.X("report.md.authority", "Authority"), p.Authority)
		row("client_id", p.ClientID)
		row(lang.X("report.md.auth_method", "Auth method"), p.AuthMethod)
		row(lang.X("report.md.scopes_requested", "Scopes requested"), scopeList(p.ScopesRequested, noScopesAsked(lang)))
		row(lang.X("report.md.token_endpoint", "Token endpoint"), p.TokenEndpoint)
		row(lang.X("report.md.odata_root", "OData root (set in the profile)"), p.ODataRoot)
		row(lang.X("report.md.confirmed_hosts", "Hosts you confirmed for the access token"), strings.Join(p.ConfirmedHosts, ", "))
		row(lang.X("report.md.proxy", "Proxy"), p.Proxy)
		if p.InsecureSkipVerify {
			row(lang.X("report.md.tls", "TLS verification"), tlsOff(lang))
		} else {
			row(lang.X("report.md.tls", "TLS verification"), lang.X("report.md.tls_on", "on"))
		}
	}

	writeKindMarkdown(&b, d, row)
	writeProxyMarkdown(&b, d.Proxies, lang)

	if s := d.Session; s != nil && s.Summary != "" {
		b.WriteString("\n## " + lang.X("report.md.session", "ERP.net session and licence") + "\n\n" + mdText(sessionIn(lang, s)) + "\n")
		writeHoldersMarkdown(&b, s, lang)
	}

	b.WriteString("\n## " + lang.X("report.md.summary", "Summary") + "\n\n| " + lang.X("report.md.summary_columns", "Step | Result | Time | Summary") + " |\n|---|---|---|---|\n")
	for _, s := range d.Steps {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", mdCell(stepName(lang, s)), markIn(lang, s.Verdict), msIn(lang, s.DurationMS), mdCell(summaryIn(lang, s)))
	}

	if c := d.Claims; c != nil {
		b.WriteString("\n## " + lang.X("report.md.token_claims", "Token and claims") + "\n\n| | |\n|---|---|\n")
		row(lang.X("report.md.acts_as", "Acts as (client_system_user)"), c.SystemUser.Login)
		row(lang.X("report.md.user_type", "System User type"), c.SystemUser.Type)
		row(lang.X("report.md.user_id", "System User id"), c.SystemUser.ID)
		row(lang.X("report.md.database", "Database (client_db)"), c.Database)
		row("client_id", c.ClientID)
		row(lang.X("report.md.issuer", "Issuer"), c.Issuer)
		row(lang.X("report.md.audiences", "Audiences"), strings.Join(c.Audiences, ", "))
		row(lang.X("report.md.scopes_requested", "Scopes requested"), scopeList(c.ScopesRequested, none))
		row(lang.X("report.md.scopes_granted", "Scopes granted"), scopeList(c.ScopesGranted, none))
		if c.IssuedAt != nil {
			row(lang.X("report.md.issued", "Issued"), c.IssuedAt.UTC().Format(time.RFC3339))
		}
		if c.ExpiresAt != nil {
			row(lang.X("report.md.expires", "Expires"), c.ExpiresAt.UTC().Format(time.RFC3339))
		}
		row(lang.X("report.md.signature", "Signature"), signatureIn(lang, c.Signature))
		row(lang.X("report.md.kid", "Key id"), c.Kid)
		row(lang.X("report.md.kind", "Kind"), string(c.Kind))
		if t := d.Token; t != nil {
			row(lang.X("report.md.token", "Token"), "…"+t.Last6)
			row(lang.X("report.md.token_sha256", "Token SHA-256"), t.Fingerprint)
		}
		if len(c.All) > 0 {
			b.WriteString("\n" + lang.X("report.md.all_claims", "All claims:") + "\n\n| " + lang.X("report.md.claim_columns", "Claim | Value") + " |\n|---|---|\n")
			for _, cl := range c.All {
				fmt.Fprintf(&b, "| %s | %s |\n", mdCell(cl.Name), mdCell(cl.Value))
			}
		}
	} else if t := d.Token; t != nil {
		b.WriteString("\n## " + lang.X("report.md.token", "Token") + "\n\n| | |\n|---|---|\n")
		row(lang.X("report.md.token", "Token"), "…"+t.Last6)
		row(lang.X("report.md.token_sha256", "Token SHA-256"), t.Fingerprint)
	}

	writeAdviceMarkdown(&b, d.LeastPrivilege, lang)

	b.WriteString("\n## " + lang.X("report.md.steps", "Steps") + "\n")
	for _, s := range d.Steps {
		fmt.Fprintf(&b, "\n### %s: %s\n\n", markIn(lang, s.Verdict), mdText(stepName(lang, s)))
		if sum := summaryIn(lang, s); sum != "" {
			fmt.Fprintf(&b, "%s (%s)\n", mdText(sum), msIn(lang, s.DurationMS))
		}
		for _, f := range s.Findings {
			fmt.Fprintf(&b, "\n#### %s `%s`\n", severityIn(lang, f.Severity), f.Code)
			if msg := messageIn(lang, f); f.Explanation == nil || msg != f.Explanation.Title || f.Severity == check.SevInfo {
				fmt.Fprintf(&b, "\n%s\n", mdText(msg)) // else the explanation's title says it
			}
			if len(f.Evidence) > 0 {
				b.WriteString("\n" + lang.X("report.md.evidence", "Evidence:") + "\n\n")
				for _, k := range sortedKeys(f.Evidence) {
					fmt.Fprintf(&b, "- %s: %s\n", k, mdCode(f.Evidence[k]))
				}
			}
			if x := f.Explanation; x != nil && f.Severity != check.SevInfo {
				writeExplanationMarkdown(&b, *x, lang)
			}
		}
		for i, x := range s.Exchanges {
			writeExchangeMarkdown(&b, i+1, x, lang)
		}
	}
	_, err := w.Write(d.scrubDoc(b.Bytes()))
	return err
}

func writeExplanationMarkdown(b *bytes.Buffer, x guide.Explanation, lang *i18n.Localizer) {
	fmt.Fprintf(b, "\n**%s**\n\n%s\n", mdText(x.Title), mdText(x.What))
	if len(x.Causes) > 0 {
		b.WriteString("\n" + lang.X("report.likely_causes", "Likely causes:") + "\n\n")
		for _, c := range x.Causes {
			fmt.Fprintf(b, "- %s\n", mdText(c))
		}
	}
	if len(x.Fields) > 0 {
		b.WriteString("\n" + lang.X("report.check", "Check:") + "\n\n")
		for _, f := range x.Fields {
			fmt.Fprintf(b, "- %s\n", mdText(fieldText(f, lang)))
		}
	}
	if len(x.Steps) > 0 {
		b.WriteString("\n" + lang.X("report.fix", "Fix:") + "\n\n")
		for i, s := range x.Steps {
			fmt.Fprintf(b, "%d. %s\n", i+1, mdText(s))
		}
	}
	if x.Confirm != "" {
		fmt.Fprintf(b, "\n"+lang.X("report.confirm", "Confirm: %s")+"\n", mdText(x.Confirm))
	}
	if x.DocURL != "" {
		fmt.Fprintf(b, "\n"+lang.X("report.docs", "Docs: %s")+"\n", "<"+x.DocURL+">")
	}
}

func writeExchangeMarkdown(b *bytes.Buffer, n int, x check.Exchange, lang *i18n.Localizer) {
	status := lang.X("report.md.no_response", "no response")
	if x.Status != 0 {
		status = fmt.Sprintf("%d", x.Status)
	}
	fmt.Fprintf(b, "\n<details><summary>"+lang.X("report.md.exchange", "Exchange %d: %s %s → %s (%s)")+"</summary>\n\n", n, htmlText(x.Method), htmlText(x.URL), status, x.Timings.Total.Round(time.Millisecond))
	var req strings.Builder
	fmt.Fprintf(&req, "%s %s\n", line(x.Method), line(x.URL))
	writeHeaders(&req, x.RequestHeaders)
	if x.RequestBody != "" {
		req.WriteString("\n" + safetext.Block(x.RequestBody) + "\n")
	}
	b.WriteString(lang.X("report.md.request", "Request:") + "\n\n" + fence(req.String()))
	if x.Status != 0 {
		var resp strings.Builder
		fmt.Fprintf(&resp, "%d\n", x.Status)
		writeHeaders(&resp, x.ResponseHeaders)
		if x.ResponseBody != "" {
			resp.WriteString("\n" + safetext.Block(x.ResponseBody) + "\n")
		}
		if x.HeadersCut > 0 {
			fmt.Fprintf(&resp, "\n["+lang.X("report.md.headers_cut", "%d response headers not kept: the headers came to %d bytes, and headers and body together are held to the capture limit")+"]\n", x.HeadersCut, x.HeaderBytes)
		}
		if x.Truncated {
			fmt.Fprintf(&resp, "\n["+lang.X("report.md.body_truncated", "body truncated; %d bytes received")+"]\n", x.Size)
		}
		b.WriteString("\n" + lang.X("report.md.response", "Response:") + "\n\n" + fence(resp.String()))
	}
	if x.Error != "" {
		fmt.Fprintf(b, "\n"+lang.X("report.md.error", "Error: %s")+"\n", mdCode(x.Error))
	}
	t := x.Timings
	fmt.Fprintf(b, "\n"+lang.X("report.md.timings", "Timings: DNS %s, connect %s, TLS %s, first byte %s, total %s")+"\n\n</details>\n",
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
