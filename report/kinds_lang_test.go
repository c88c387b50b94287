package report

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/i18n"
)

// The sentences check makes of a reference token's unknowns, of the licence holders and
// of whom a SAT acts as are the ones the tables here know: every fixed piece of each
// table's English is in check's source, so a sentence check rewords fails here until
// the table follows; each reads back as itself in English and is said in Bulgarian.
func TestKindSentencesAreCheckSentences(t *testing.T) {
	var src strings.Builder
	for _, f := range []string{"reftoken.go", "session_holders.go"} {
		b, err := os.ReadFile(filepath.Join(checkSource(t), f))
		if err != nil {
			t.Fatal(err)
		}
		src.Write(b)
	}
	code := regexp.MustCompile(`"\s*\+\s*"`).ReplaceAllString(strings.ReplaceAll(src.String(), "\\\"", "\""), "")
	en, bg := i18n.For("en"), i18n.For("bg")
	for _, table := range [][]summary{unknowns, holderFailures} {
		for _, sm := range table {
			format := sm.say(en)
			for _, piece := range regexp.MustCompile(`%[sd]`).Split(format, -1) {
				for _, part := range strings.Split(piece, "when it expires: ") { // check writes it as a const
					if part = strings.TrimSpace(part); len(part) > 3 && !strings.Contains(code, part) {
						t.Errorf("check does not say %q (from %q)", part, format)
					}
				}
			}
			args := make([]any, strings.Count(format, "%"))
			for i := range args {
				args[i] = fmt.Sprint(7 + i)
			}
			s := fmt.Sprintf(format, args...)
			if got, ok := sayBy(en, table, s); !ok || got != s {
				t.Errorf("%q reads back as %q (%v)", s, got, ok)
			}
			if got, _ := sayBy(bg, table, s); got == s {
				t.Errorf("%q is not said in Bulgarian", s)
			}
		}
	}
	for _, s := range []string{"the Trusted App's System User", "the System User of Trusted App com.acme/app"} {
		if !strings.Contains(code, strings.TrimSuffix(s, " com.acme/app")) {
			t.Errorf("check does not say %q", s)
		}
		if actsAsIn(bg, s) == s || actsAsIn(en, s) != s {
			t.Errorf("%q: %q", s, actsAsIn(bg, s))
		}
	}
}

// What was read of the licence holders is said in Bulgarian from the holders
// themselves; what could not be read, by check's note.
func TestHoldersNoteInBulgarian(t *testing.T) {
	bg := i18n.For("bg")
	at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	for _, sc := range []check.SessionCost{
		{HoldersState: check.HoldersRead, HoldersNote: "Systems_Monitoring_CurrentSessions lists no session. Sessions of one user on one device may share a licence, so sessions and licences in use can differ."},
		{HoldersState: check.HoldersRead, Holders: []check.LicenceHolder{{Login: "a", FreesBy: at}}, HoldersNote: "1 session holds a licence slot."},
		{HoldersState: check.HoldersRead, Holders: []check.LicenceHolder{{Login: "a"}, {Login: "b"}}, HoldersNote: "2 sessions hold licence slots."},
		{HoldersState: check.HoldersFailed, HoldersNote: "Who holds the licences could not be read: Cannot reach x"},
		{HoldersState: check.HoldersRefused, HoldersNote: "The instance refused the token when asked who holds the licences (HTTP 401): get a fresh token and read them again."},
	} {
		got := holdersNoteIn(bg, &sc)
		if got == sc.HoldersNote || regexp.MustCompile(`\b(session|licence|could not)\b`).MatchString(got) {
			t.Errorf("%q is said %q", sc.HoldersNote, got)
		}
	}
}
