package profiles

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// A store file that is damaged, missing, unreadable, from an older or a newer
// version: what Open keeps, restores and moves aside.

// writeStore writes raw bytes as the store file (and optionally a backup).
func writeStore(t *testing.T, raw, bak string) string {
	t.Helper()
	path := storePath(t)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	if bak != "" {
		if err := os.WriteFile(path+".bak", []byte(bak), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func TestCorruptFilesAreMovedAsideAndBackupUsed(t *testing.T) {
	valid := `{"schema":1,"profiles":[{"name":"x","instance_url":"https://a.example","client_id":"c","created":"2026-01-01T00:00:00Z","updated":"2026-01-01T00:00:00Z"}]}`
	cases := []struct {
		name, raw, reason, detail string
	}{
		{"truncated", valid[:len(valid)/2], ReasonTruncated, "ends in the middle"},
		{"empty", "", ReasonTruncated, "empty"},
		{"invalid json", `{"schema":1,"profiles":[}`, ReasonInvalidJSON, "invalid JSON at byte"},
		{"garbage", "\x00\x01PK", ReasonInvalidJSON, "invalid JSON"},
		{"wrong type", `{"schema":1,"profiles":{"a":1}}`, ReasonInvalid, "wrong type"},
		{"no schema", `{"profiles":[]}`, ReasonInvalid, `no "schema" field`},
		{"duplicate names", `{"schema":1,"profiles":[{"name":"a"},{"name":"A"}]}`, ReasonInvalid, `two profiles are named "A"`},
		{"nameless", `{"schema":1,"profiles":[{"instance_url":"https://a"}]}`, ReasonInvalid, "profile #1 has no name"},
	}
	for _, c := range cases {
		for _, withBackup := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/backup=%v", c.name, withBackup), func(t *testing.T) {
				bak := ""
				if withBackup {
					bak = goodBackup
				}
				path := writeStore(t, c.raw, bak)
				s, err := Open(path)
				var ce *CorruptError
				if !errors.As(err, &ce) || s == nil {
					t.Fatalf("want *CorruptError with a usable store, got %v %v", s, err)
				}
				if ce.Reason != c.reason || !strings.Contains(ce.Detail, c.detail) {
					t.Fatalf("reason %q detail %q", ce.Reason, ce.Detail)
				}
				moved, rerr := os.ReadFile(ce.MovedTo)
				if rerr != nil || string(moved) != c.raw {
					t.Fatalf("bad file not kept aside intact at %q: %v", ce.MovedTo, rerr)
				}
				if !strings.HasPrefix(ce.MovedTo, path+".corrupt-") {
					t.Fatalf("moved to %s", ce.MovedTo)
				}
				msg := err.Error()
				if !strings.Contains(msg, "is damaged") || !strings.Contains(msg, "moved aside to "+ce.MovedTo) {
					t.Fatalf("message: %s", msg)
				}
				if withBackup {
					if !ce.FromBackup || len(s.List()) != 1 || s.List()[0].Name != "from-backup" || !strings.Contains(msg, `Restored 1 profile from the backup `+path+`.bak (saved `) || !strings.Contains(msg, `: "from-backup".`) {
						t.Fatalf("backup not used: %v %v", s.List(), msg)
					}
				} else if ce.FromBackup || len(s.List()) != 0 || !strings.Contains(msg, "starts empty") {
					t.Fatalf("no backup: %v %v", s.List(), msg)
				}
				// writing afterwards creates a fresh file and never touches the bad one
				p := validProfile()
				if err := s.Add(p); err != nil {
					t.Fatal(err)
				}
				if moved2, _ := os.ReadFile(ce.MovedTo); string(moved2) != c.raw {
					t.Fatal("bad file changed")
				}
				if s2, err := Open(path); err != nil || len(s2.List()) != len(s.List()) {
					t.Fatalf("reopen after recovery: %v", err)
				}
			})
		}
	}
}

func TestFutureSchemaIsLeftUntouched(t *testing.T) {
	raw := `{"schema":7,"profiles":[],"new_stuff":true}`
	path := writeStore(t, raw, goodBackup)
	s, err := Open(path)
	var ce *CorruptError
	if s != nil || !errors.As(err, &ce) || ce.Reason != ReasonFutureSchema || ce.Recovered {
		t.Fatalf("want refused open, got %v %v", s, err)
	}
	want := "was written by a newer version of Trusted App Tester (schema 7; this version reads up to 1): it was left untouched; upgrade Trusted App Tester"
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("message: %s", err)
	}
	if b, _ := os.ReadFile(path); string(b) != raw {
		t.Fatal("future file changed")
	}
}

func TestUnreadableStore(t *testing.T) {
	// A directory where the file should be: read fails on every platform and as root.
	path := storePath(t)
	if err := os.MkdirAll(path, 0o700); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	var ce *CorruptError
	if s != nil || !errors.As(err, &ce) || ce.Reason != ReasonUnreadable {
		t.Fatalf("want unreadable, got %v %v", s, err)
	}
	// Reading a folder is "is a directory" on Unix, "Incorrect function" on Windows.
	want := "cannot be read (read: is a directory): fix its permissions"
	if runtime.GOOS == "windows" {
		want = "cannot be read (read: "
	}
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "fix its permissions") {
		t.Fatalf("message: %s", err)
	}
	if fi, err := os.Stat(path); err != nil || !fi.IsDir() {
		t.Fatal("unreadable path was touched")
	}
}

func TestMissingFileRestoresFromBackup(t *testing.T) {
	path := storePath(t)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+".bak", []byte(goodBackup), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err != nil || len(s.List()) != 1 || !strings.Contains(s.Notice(), `was missing; restored 1 profile from the backup `+path+`.bak (saved `) || !strings.Contains(s.Notice(), `): "from-backup"`) {
		t.Fatalf("%v %v %q", err, s.List(), s.Notice())
	}
}

func TestMigrationFromV0(t *testing.T) {
	v0 := `[{"name":"old","instance_url":"https://a.example","client_id":"c","created":"2025-01-01T00:00:00Z","updated":"2025-01-01T00:00:00Z"}]`
	path := writeStore(t, v0, "")
	clock := t0
	s := openAt(t, path, &clock)
	if len(s.List()) != 1 || !strings.Contains(s.Notice(), "older schema 0") {
		t.Fatalf("%v %q", s.List(), s.Notice())
	}
	if b, _ := os.ReadFile(path); string(b) != v0 {
		t.Fatal("open rewrote the file")
	}
	if err := s.MarkSecretSet("old", t0); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(b), "{\n  \"schema\": 1,") {
		t.Fatalf("not migrated: %s", b)
	}
	if bak, _ := os.ReadFile(path + ".bak"); string(bak) != v0 {
		t.Fatalf("v0 not kept as backup: %s", bak)
	}
	// a v0 empty array and a null migrate too
	for _, raw := range []string{"[]", " null"} {
		if f, from, err := decodeStore([]byte(raw)); raw == "[]" && (err != nil || from != 0 || len(f.Profiles) != 0) {
			t.Fatalf("%q: %v %v %v", raw, f.Profiles, from, err)
		}
	}
}

// A hand-edited store whose schema member is spelled in another case is read as
// encoding/json always read it (the member scanner had made it "no schema field"); the
// exactly named member wins when both are there.
func TestSchemaMemberInAnotherCase(t *testing.T) {
	for _, raw := range []string{
		`{"Schema":1,"profiles":[]}`,
		`{"SCHEMA":7,"schema":1,"profiles":[]}`,
	} {
		s, err := Open(writeStore(t, raw, ""))
		if err != nil || s == nil {
			t.Fatalf("%s: %v", raw, err)
		}
	}
	if _, err := Open(writeStore(t, `{"schema":1,"Schema":7,"profiles":[]}`, "")); err != nil {
		t.Fatalf("the exact member must win: %v", err)
	}
}
