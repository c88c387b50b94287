package profiles

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/testdir"
)

// threeProfiles saves Alpha, Beta and Newest one after another (so the backup holds
// Alpha and Beta) and returns the store's path.
func threeProfiles(t *testing.T) string {
	t.Helper()
	path := storePath(t)
	clock := t0
	s := openAt(t, path, &clock)
	for i, n := range []string{"Alpha", "Beta", "Newest"} {
		clock = t0.Add(time.Duration(i) * time.Hour)
		p := validProfile()
		p.Name = n
		if err := s.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// damage writes a NUL byte into the JSON of the named profile's name.
func damage(t *testing.T, path, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(raw, []byte(`"`+name+`"`))
	if i < 0 {
		t.Fatalf("%s not in the file", name)
	}
	raw[i+2] = 0
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return raw
}

// A damaged store restored from its backup says which profiles came back, from which
// file and of when, and which profiles the damaged file still holds that the backup
// lacks; Recover brings those back with their timestamps and secret dates (issue 11,
// item 2: the newest profile was dropped silently).
func TestDamagedStoreSaysWhatWasRestoredAndRecovers(t *testing.T) {
	path := threeProfiles(t)
	damage(t, path, "Alpha")
	s, err := Open(path)
	var ce *CorruptError
	if !errors.As(err, &ce) || s == nil || !ce.FromBackup {
		t.Fatalf("want a recovered store, got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"is damaged (invalid JSON: ",
		"; it was moved aside to " + ce.MovedTo + ". ",
		"Restored 2 profiles from the backup " + path + ".bak (saved ",
		`, the version before the last change): "Alpha" and "Beta".`,
		`The damaged file still holds 1 profile that the store now lacks or holds in an older version: "Newest". To bring it back, run: trustedapp-check profiles recover ` + platform.Current().Quote(ce.MovedTo) + " (the app offers a Recover button).",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Join(ce.Restored, ",") != "Alpha,Beta" || strings.Join(ce.Recoverable, ",") != "Newest" || ce.BackupSaved.IsZero() {
		t.Fatalf("fields: %+v", ce)
	}
	if got := s.DamagedFiles(); len(got) != 1 || got[0] != ce.MovedTo {
		t.Fatalf("DamagedFiles = %v", got)
	}
	res, err := s.Recover(ce.MovedTo)
	if err != nil || strings.Join(res.Added, ",") != "Newest" || strings.Join(res.Skipped, ",") != "Beta" || len(res.Replaced) != 0 {
		t.Fatalf("Recover: %+v %v", res, err)
	}
	p, _ := s.Get("Newest")
	if !p.Created.Equal(t0.Add(2*time.Hour)) || !p.Updated.Equal(t0.Add(2*time.Hour)) {
		t.Fatalf("recovered profile lost its dates: %+v", p)
	}
	if s2, err := Open(path); err != nil || len(s2.List()) != 3 {
		t.Fatalf("reopened after recovery: %v", err)
	}
	// Again: nothing new.
	if res, err := s.Recover(ce.MovedTo); err != nil || len(res.Added)+len(res.Replaced) != 0 || len(res.Skipped) != 2 {
		t.Fatalf("second Recover: %+v %v", res, err)
	}
}

// Without a backup the store starts empty, and says which profiles the damaged file
// still holds: all of them come back.
func TestDamagedStoreWithoutBackup(t *testing.T) {
	path := threeProfiles(t)
	raw, _ := os.ReadFile(path)
	os.Remove(path + ".bak")
	// Truncated in the middle of the last profile: the two before it still parse.
	if err := os.WriteFile(path, raw[:bytes.Index(raw, []byte(`"Newest"`))+20], 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	var ce *CorruptError
	if !errors.As(err, &ce) || ce.FromBackup || len(s.List()) != 0 {
		t.Fatalf("want an empty store, got %v", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "There is no usable backup, so the store starts empty.") ||
		!strings.Contains(msg, `The damaged file still holds 2 profiles that the store now lacks or holds in an older version: "Alpha" and "Beta". To bring them back`) {
		t.Fatalf("message: %s", msg)
	}
	res, err := s.Recover(ce.MovedTo)
	if err != nil || strings.Join(res.Added, ",") != "Alpha,Beta" {
		t.Fatalf("Recover: %+v %v", res, err)
	}
	// A file with nothing left in it.
	empty := filepath.Join(testdir.New(t), "nothing.json")
	if err := os.WriteFile(empty, []byte("\x00\x00 not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Recover(empty); err == nil || !strings.Contains(err.Error(), "no profile could be read from "+empty) {
		t.Fatalf("nothing to recover: %v", err)
	}
	if _, err := s.Recover(empty + ".missing"); err == nil || !strings.Contains(err.Error(), "cannot open the damaged store file") {
		t.Fatalf("missing file: %v", err)
	}
}

// A profile the damaged file holds in a newer version than the backup (edited later,
// or with its secret set in the last change) is offered, and Recover replaces the
// older one, keeping the secret date; one edited again since the restore is kept.
func TestRecoverPrefersTheNewerVersion(t *testing.T) {
	path := storePath(t)
	clock := t0
	s := openAt(t, path, &clock)
	for _, n := range []string{"Alpha", "Beta", "Gamma"} {
		p := validProfile()
		p.Name = n
		if err := s.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	clock = t0.Add(time.Hour)
	b, _ := s.Get("Beta")
	b.Notes = "newer"
	if err := s.Update("Beta", b); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSecretSet("Gamma", t0.Add(2*time.Hour)); err != nil { // the last change: the backup has Gamma without it
		t.Fatal(err)
	}
	damage(t, path, "Alpha")
	s2, err := Open(path)
	var ce *CorruptError
	if !errors.As(err, &ce) || strings.Join(ce.Recoverable, ",") != "Gamma" {
		t.Fatalf("recoverable: %v", err)
	}
	s2.now = func() time.Time { return clock }
	moved := s2.DamagedFiles()
	if len(moved) != 1 {
		t.Fatalf("damaged files: %v", moved)
	}
	res, err := s2.Recover(moved[0])
	if err != nil || strings.Join(res.Replaced, ",") != "Gamma" || strings.Join(res.Skipped, ",") != "Beta" {
		// Beta: the backup already has the edit (the secret date was the last change)
		t.Fatalf("Recover: %+v %v", res, err)
	}
	if got, _ := s2.Get("Gamma"); !got.SecretSetAt.Equal(t0.Add(2 * time.Hour)) {
		t.Fatalf("Gamma = %+v", got)
	}
	// An edit made after the restore wins over the damaged file's version.
	clock = t0.Add(5 * time.Hour)
	g, _ := s2.Get("Gamma")
	g.Notes = "edited after the restore"
	if err := s2.Update("Gamma", g); err != nil {
		t.Fatal(err)
	}
	if res, err := s2.Recover(moved[0]); err != nil || len(res.Replaced) != 0 {
		t.Fatalf("Recover over a newer edit: %+v %v", res, err)
	}
	if got, _ := s2.Get("Gamma"); got.Notes != "edited after the restore" {
		t.Fatal("Recover overwrote a newer edit")
	}
}

func TestSalvage(t *testing.T) {
	good := `{"name":"A","instance_url":"https://a.example","client_id":"c","calls":[{"name":"Call","method":"GET","path":"/x"}]}`
	cases := map[string]struct {
		raw  string
		want string
	}{
		"truncated":            {`{"schema":1,"profiles":[` + good + `,{"name":"B","instance_url":"https://b`, "A"},
		"garbage between":      {`{"schema":1,"profiles":[{"name":"X","inst` + "\x00\x01" + `ance_url":"x"},` + good + `]}`, "A"},
		"lost brace":           {`[{"name":"X","instance_url":"u","client_id":"c",` + good + `]`, "A"},
		"a call is no profile": {`[{"name":"X","calls":[{"name":"Call","method":"GET","path":"/x"}]` + "\x00", ""},
		"duplicates":           {`[` + good + `,` + good + `]`, "A"},
		"nothing":              {"\x00\xff{{{{", ""},
	}
	for name, c := range cases {
		var got []string
		for _, p := range salvage([]byte(c.raw)) {
			got = append(got, p.Name)
		}
		if strings.Join(got, ",") != c.want {
			t.Errorf("%s: salvaged %v, want %q", name, got, c.want)
		}
	}
}

func FuzzSalvage(f *testing.F) {
	f.Add([]byte(goodBackup))
	f.Add([]byte(goodBackup[:len(goodBackup)/2]))
	f.Add([]byte(`[{"name":"a","instance_url":"u","client_id":"c"},{"name":`))
	f.Add([]byte(`{"name":{"name":{"name":`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		seen := map[string]bool{}
		for _, p := range salvage(raw) {
			if strings.TrimSpace(p.Name) == "" || seen[key(p.Name)] {
				t.Fatalf("salvaged a nameless or repeated profile: %q", p.Name)
			}
			seen[key(p.Name)] = true
		}
	})
}
