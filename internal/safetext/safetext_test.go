package safetext

import (
	"strings"
	"testing"
)

func TestLine(t *testing.T) {
	cases := map[string]string{
		"plain text, café":        "plain text, café",
		"\x1b[2K\rVerdict: PASS":  `\x1b[2K\rVerdict: PASS`,
		"two\nlines\ttab":         `two\nlines\ttab`,
		"admin\u202etxt.exe":      `admin\u202etxt.exe`,
		"zero\u200bwidth\ufeff":   `zero\u200bwidth\ufeff`,
		"bell\a del\x7f c1\u009b": `bell\x07 del\x7f c1\x9b`,
		"bad \xff byte":           `bad \xff byte`,
		"":                        "",
	}
	for in, want := range cases {
		if got := Line(in); got != want {
			t.Errorf("Line(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBlockKeepsLinesOnly(t *testing.T) {
	got := Block("a\n\tb\r\x1b]8;;http://evil\x07")
	want := "a\n\tb" + `\r\x1b]8;;http://evil\x07`
	if got != want {
		t.Fatalf("Block = %q, want %q", got, want)
	}
}

func TestContains(t *testing.T) {
	for _, s := range []string{"a\u200db", "x\x1b", "\u2067", "bad\xc3"} {
		if !Contains(s) {
			t.Errorf("Contains(%q) = false", s)
		}
	}
	for _, s := range []string{"Nightly import", "café", "日本語", "a-b_c.d (2)"} {
		if Contains(s) {
			t.Errorf("Contains(%q) = true", s)
		}
	}
}

func FuzzLineHasNoHidden(f *testing.F) {
	for _, s := range []string{"", "\x1b[31m", "a\u202eb", "\xff\xfe", "ok"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Line(s)
		if Contains(out) {
			t.Fatalf("Line(%q) = %q still holds a hidden character", s, out)
		}
		if strings.ContainsAny(Block(s), "\r\x1b") {
			t.Fatalf("Block(%q) kept a CR or ESC", s)
		}
	})
}
