package sentence

import "testing"

func TestCapitalize(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"empty", "", ""},
		{"ascii", "side A: no profile", "Side A: no profile"},
		{"already upper", "Echo added a newline", "Echo added a newline"},
		{"not a letter", "“Nightly” has no secret", "“Nightly” has no secret"},
		{"multi-byte letter", "édition", "Édition"},
		{"cyrillic", "ключ", "Ключ"},
		{"invalid utf-8", "\xffabc", "\xffabc"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Capitalize(c.in); got != c.want {
				t.Errorf("Capitalize(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}
