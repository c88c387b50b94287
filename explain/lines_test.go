package explain

import (
	"bytes"
	"strings"
	"testing"
)

// A log saved on Windows (CRLF) or with lone CRs reads as the same text with "\n":
// no line shows a literal \r, and the findings are those of the LF text.
func TestWindowsLineBreaksAreLineBreaks(t *testing.T) {
	lf := "2026-12-01 10:00:01 ERR Token request failed\nHTTP/1.1 400 Bad Request\nContent-Type: application/json\n\n{\"error\":\"invalid_client\",\"error_description\":\"Invalid client_id or client_secret\"}\n"
	want := Text(lf)
	for name, text := range map[string]string{
		"crlf":    strings.ReplaceAll(lf, "\n", "\r\n"),
		"lone cr": strings.ReplaceAll(lf, "\n", "\r"),
		"mixed":   strings.Replace(strings.ReplaceAll(lf, "\n", "\r\n"), "\r\n", "\n", 2),
	} {
		got := Text(text)
		if strings.Contains(got.Text, `\r`) || strings.Contains(got.Redacted, "\r") {
			t.Errorf("%s: shown %q", name, got.Text)
		}
		if got.Text != want.Text || got.Kind != want.Kind || firstCode(got) != firstCode(want) || firstCode(got) == "" {
			t.Errorf("%s: read as %s %s %q, the LF text as %s %s %q", name, got.Kind, firstCode(got), got.Text, want.Kind, firstCode(want), want.Text)
		}
		var b bytes.Buffer
		if err := WriteText(&b, got); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), `\r`) || strings.Contains(b.String(), "\r") {
			t.Errorf("%s: printed %q", name, b.String())
		}
	}
	// A carriage return that is no line break stays visible (safetext), here none is.
	if lineBreaks("a\rb\r\nc") != "a\nb\nc" || lineBreaks("plain") != "plain" {
		t.Error("lineBreaks")
	}
}
