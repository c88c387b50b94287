package explain

import (
	"bytes"
	"strings"
	"testing"

	"trustedapp-tester/check"
)

// The Markdown for a ticket: the pasted text stays inside a code block however many
// backticks it holds, nothing from outside becomes markup or a live link, and the
// secret in the paste is gone.
func TestWriteMarkdown(t *testing.T) {
	pasted := "```\n</details><img src=x onerror=alert(1)> [click](https://evil.example)\n" +
		"Authorization: Basic Y29tLmFjbWUvYXBwOnMzY3IzdA==\n" +
		`{"error":"invalid_client","error_description":"[see](https://evil.example) **now**"}`
	res := Text(pasted)
	if !res.Recognised || res.Redactions == 0 {
		t.Fatalf("result %+v", res)
	}
	var b bytes.Buffer
	if err := WriteMarkdown(&b, res); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	if strings.Contains(md, "Y29tLmFjbWUvYXBwOnMzY3IzdA") {
		t.Fatal("the Basic credential reached the Markdown")
	}
	// The text block opens with a fence longer than the paste's own ``` and closes it.
	start := strings.Index(md, "\n````\n")
	end := strings.LastIndex(md, "\n````\n")
	if start < 0 || end <= start {
		t.Fatalf("no four-backtick fence around the text:\n%s", md)
	}
	outside := md[:start] + md[end:]
	for _, bad := range []string{"<img", "](https://", "**now**", "https://evil"} {
		if strings.Contains(outside, bad) {
			t.Errorf("markup from the paste outside the code block: %q\n%s", bad, outside)
		}
	}
	for _, want := range []string{"# An error explained", "Read as: an OAuth error from the token endpoint (invalid\\_client)",
		"(1 credential removed)", "## FAIL `" + check.TokInvalidClient + "`", "Likely causes:", "Fix:"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
}

// Not recognised: the three checks, numbered, in text and in Markdown.
func TestWriteNotRecognised(t *testing.T) {
	res := Text("the job stopped, no idea why")
	var txt, md bytes.Buffer
	WriteText(&txt, res)
	WriteMarkdown(&md, res)
	if !strings.Contains(txt.String(), "Not recognised. The three most likely things to check:\n\n1. The Trusted App accepts the credentials (invalid_client)") {
		t.Errorf("text:\n%s", txt.String())
	}
	if !strings.Contains(md.String(), "## Not recognised") || !strings.Contains(md.String(), "\n3. **The scopes fit") ||
		!strings.Contains(md.String(), "   - Trusted App ApplicationUri: exactly the client\\_id, copied as it is") {
		t.Errorf("Markdown:\n%s", md.String())
	}
}
