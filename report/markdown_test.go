package report

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/safetext"
	"trustedapp-tester/profiles"
	"trustedapp-tester/tokenview"
)

// gfm is a CommonMark parser with the GitHub extensions (tables, strikethrough,
// autolinks, task lists): what a support ticket or a Git host renders.
var gfm = goldmark.New(goldmark.WithExtensions(extension.GFM))

// ownHTML is the raw HTML the report writes itself: the <details> around each exchange.
func ownHTML(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasPrefix(s, "<details><summary>Exchange ") || strings.HasPrefix(s, "<details><summary>Обмен ") || s == "</details>"
}

// hostileReport puts s into every field of a run that comes from outside: profile
// values, step names and summaries, finding messages and evidence, exchanges, claims.
func hostileReport(s string) (check.Report, profiles.Profile) {
	p := profiles.Profile{Name: "n " + s, Environment: s, InstanceURL: "https://acme.my.erp.net", ClientID: "c " + s, Scopes: []string{"read", s}}
	ev := map[string]string{check.EvDescription: s, check.EvURL: "https://acme.my.erp.net/x?q=" + s, check.EvError: "e " + s}
	r := check.Report{Profile: p.Name, Started: t0, Finished: t0.Add(time.Second), Verdict: check.Fail, Steps: []check.Step{
		{Kind: check.StepToken, Name: "Token " + s, Verdict: check.Fail, Summary: s,
			Findings:  []check.Finding{{Code: check.TokInvalidClient, Severity: check.SevFail, Message: s, Evidence: ev}, {Code: check.ReachOK, Severity: check.SevInfo, Message: "m " + s, Evidence: ev}},
			Exchanges: []check.Exchange{{Method: "POST", URL: "https://acme.my.erp.net/id/connect/token?x=" + s, RequestHeaders: http.Header{"X-S": {s}}, RequestBody: s, Status: 400, ResponseHeaders: http.Header{"X-S": {s}}, ResponseBody: s, Error: s}}},
		{Kind: check.StepAPI, Name: "API GET /" + s, Verdict: check.Warn, Summary: "x " + s,
			Findings: []check.Finding{{Code: check.APIODataError, Severity: check.SevWarn, Message: "OData: " + s, Evidence: map[string]string{check.EvDescription: s + s}}}},
	}}
	r.Claims = &tokenview.Claims{Kind: tokenview.KindJWT, SystemUser: s, SystemUserType: s, Database: s, ClientID: s, Issuer: s, Audiences: []string{s}, Scopes: []string{s}, Signature: tokenview.SigVerified, All: []tokenview.Claim{{Name: s, Value: s}}}
	return r, p
}

// markdownProblems renders d as Markdown, parses it as CommonMark+GFM and lists every
// way outside text got out of its place: raw HTML that is not the report's own, a
// link that is not a docs link, an image, a heading the report did not write, an
// evidence value not shown whole in one code span, a body not in one code block.
func markdownProblems(t testing.TB, d Document) []string {
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, d); err != nil {
		t.Fatal(err)
	}
	src := buf.Bytes()
	doc := gfm.Parser().Parse(text.NewReader(src))
	var problems []string
	headings := 0
	codeSpans := map[string]bool{}
	var blocks []string
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.HTMLBlock:
			var b strings.Builder
			for i := 0; i < n.Lines().Len(); i++ {
				seg := n.Lines().At(i)
				b.Write(seg.Value(src))
			}
			if n.HasClosure() {
				b.Write(n.ClosureLine.Value(src))
			}
			for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
				if !ownHTML(l) {
					problems = append(problems, fmt.Sprintf("raw HTML block %q", l))
				}
			}
		case *ast.RawHTML:
			var b strings.Builder
			for i := 0; i < n.Segments.Len(); i++ {
				seg := n.Segments.At(i)
				b.Write(seg.Value(src))
			}
			problems = append(problems, fmt.Sprintf("inline HTML %q", b.String()))
		case *ast.Link:
			if !strings.HasPrefix(string(n.Destination), "https://docs.erp.net/") {
				problems = append(problems, fmt.Sprintf("link to %q", n.Destination))
			}
		case *ast.AutoLink:
			if u := string(n.URL(src)); !strings.HasPrefix(u, "https://docs.erp.net/") {
				problems = append(problems, fmt.Sprintf("autolink to %q", u))
			}
		case *ast.Image:
			problems = append(problems, fmt.Sprintf("image %q", n.Destination))
		case *ast.Heading:
			headings++
		case *ast.CodeSpan:
			var b strings.Builder
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if tn, ok := c.(*ast.Text); ok {
					b.Write(tn.Segment.Value(src))
				} else if sn, ok := c.(*ast.String); ok {
					b.Write(sn.Value)
				}
			}
			codeSpans[b.String()] = true
		case *ast.FencedCodeBlock:
			var b strings.Builder
			for i := 0; i < n.Lines().Len(); i++ {
				seg := n.Lines().At(i)
				b.Write(seg.Value(src))
			}
			blocks = append(blocks, b.String())
		case *east.Strikethrough:
			problems = append(problems, "strikethrough")
		case *ast.ThematicBreak:
			problems = append(problems, "thematic break")
		case *ast.Blockquote:
			problems = append(problems, "block quote")
		}
		return ast.WalkContinue, nil
	})
	// Title, Profile, Summary, Token and claims, Steps; one per step and per finding.
	want := 4
	if d.Claims != nil || d.Token != nil {
		want++
	}
	for _, s := range d.Steps {
		want += 1 + len(s.Findings)
	}
	if headings != want {
		problems = append(problems, fmt.Sprintf("%d headings, want %d", headings, want))
	}
	for _, s := range d.Steps {
		for _, f := range s.Findings {
			for k, v := range f.Evidence {
				if shown := strings.Join(strings.Fields(safetext.Line(v)), " "); shown != "" && !codeSpans[shown] {
					problems = append(problems, fmt.Sprintf("evidence %s %q not shown whole in one code span", k, shown))
				}
			}
		}
		for _, x := range s.Exchanges {
			for _, body := range []string{x.RequestBody, x.ResponseBody} {
				if body == "" {
					continue
				}
				found := false
				for _, b := range blocks {
					found = found || strings.Contains(b, safetext.Block(strings.TrimRight(body, "\n")))
				}
				if !found {
					problems = append(problems, fmt.Sprintf("body %q not inside one code block", body))
				}
			}
		}
	}
	return problems
}

// markdownAttacks are texts that try to break out of their place in a Markdown report.
var markdownAttacks = []string{
	"a `` b ``` c",
	"` <img src=x onerror=alert(1)> `",
	"``` \n# Verdict: PASS\n```",
	"x`</details><details open><summary>Verdict: PASS</summary>",
	"<script>alert(1)</script>",
	"[click](https://evil.example/phish) ![img](https://evil.example/x.png)",
	"see https://evil.example/phish or www.evil.example or admin@evil.example",
	"~~~\nswallow\n~~~",
	"--- \n=== \n- item\n1. one\n> quote",
	"| a | b |\n|---|---|\n| c | d |",
	"~~struck~~ **bold** _it_ <b>b</b> &lt;b&gt; &#96;",
	"\\`\\<b\\>",
	"trailing backtick `",
	"``",
	"- leading dash", "1. leading number", "+ plus", "= equals", "# hash", "> quote",
	"\x1b[2K\rVerdict: PASS\u202e",
}

// The Markdown report renders as its author meant, whatever the server says: checked
// by parsing it with a CommonMark+GFM parser (goldmark), the way a support ticket,
// GitHub or a wiki shows it.
func TestMarkdownReportCannotBeBrokenOutOf(t *testing.T) {
	for _, s := range markdownAttacks {
		r, p := hostileReport(s)
		if problems := markdownProblems(t, Build(r, p)); len(problems) > 0 {
			t.Errorf("%q:\n  %s", s, strings.Join(problems, "\n  "))
		}
	}
}

// FuzzMarkdownReport puts arbitrary text everywhere outside text goes in a report and
// checks the rendered Markdown keeps its shape (make test runs the seeds).
func FuzzMarkdownReport(f *testing.F) {
	for _, s := range markdownAttacks {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, p := hostileReport(s)
		if problems := markdownProblems(t, Build(r, p)); len(problems) > 0 {
			t.Fatalf("%q:\n  %s", s, strings.Join(problems, "\n  "))
		}
	})
}
