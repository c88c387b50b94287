package profiles

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"trustedapp-tester/internal/testdir"
)

var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// openAt opens a store with a controllable clock.
func openAt(t *testing.T, path string, clock *time.Time) *Store {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	s.now = func() time.Time { return *clock }
	return s
}

func storePath(t *testing.T) string {
	return filepath.Join(testdir.New(t), "cfg", "trustedapp-tester", "profiles.json")
}

func TestStoreCRUDAndTimestamps(t *testing.T) {
	path := storePath(t)
	clock := t0
	s := openAt(t, path, &clock)
	if len(s.List()) != 0 {
		t.Fatal("new store not empty")
	}
	p := validProfile()
	if err := s.Add(p); err != nil {
		t.Fatal(err)
	}
	b := validProfile()
	b.Name = "beta"
	clock = t0.Add(time.Hour)
	if err := s.Add(b); err != nil {
		t.Fatal(err)
	}
	// duplicate name, any case
	dup := validProfile()
	dup.Name = "ACME TEST"
	var ve *ValidationError
	if err := s.Add(dup); !errors.As(err, &ve) || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("duplicate add: %v", err)
	}
	got, err := s.Get("acme test")
	if err != nil || !got.Created.Equal(t0) || !got.Updated.Equal(t0) {
		t.Fatalf("Get: %+v %v", got, err)
	}
	names := func() string {
		var n []string
		for _, p := range s.List() {
			n = append(n, p.Name)
		}
		return strings.Join(n, ",")
	}
	if names() != "Acme Test,beta" {
		t.Fatalf("List order: %s", names())
	}
	// edit keeps Created, sets Updated
	clock = t0.Add(2 * time.Hour)
	if err := s.MarkSecretSet("Acme Test", t0.Add(90*time.Minute)); err != nil {
		t.Fatal(err)
	}
	got.Scopes = []string{"read"}
	got.SecretSetAt = time.Time{} // ignored: the store keeps its own
	got.Created = time.Time{}
	if err := s.Update("Acme Test", got); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Get("Acme Test")
	if !got.Created.Equal(t0) || !got.Updated.Equal(clock) || !got.SecretSetAt.Equal(t0.Add(90*time.Minute)) || len(got.Scopes) != 1 {
		t.Fatalf("after update: %+v", got)
	}
	// rename via Update; renaming onto beta fails
	got.Name = "Beta"
	if err := s.Update("Acme Test", got); !errors.As(err, &ve) {
		t.Fatalf("rename onto existing: %v", err)
	}
	got.Name = "Acme Prod"
	if err := s.Update("acme test", got); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("Acme Test"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("old name still there: %v", err)
	}
	// case-only rename
	got.Name = "ACME PROD"
	if err := s.Update("Acme Prod", got); err != nil {
		t.Fatalf("case-only rename: %v", err)
	}
	// duplicate
	d, err := s.Duplicate("acme prod", "Acme Copy")
	if err != nil || !d.SecretSetAt.IsZero() || !d.Created.Equal(clock) {
		t.Fatalf("Duplicate: %+v %v", d, err)
	}
	// mutations on copies do not leak into the store
	l := s.List()
	l[0].Scopes[0] = "mutated"
	if g, _ := s.Get(l[0].Name); g.Scopes[0] == "mutated" {
		t.Fatal("List returned shared slices")
	}
	if err := s.Delete("beta"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("beta"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), `no profile named "beta"`) {
		t.Fatalf("delete missing: %v", err)
	}
	// reopen: everything persisted
	s2 := openAt(t, path, &clock)
	if n := fmt.Sprint(len(s2.List())); n != "2" {
		t.Fatalf("reopened: %d profiles", len(s2.List()))
	}
	if g, _ := s2.Get("ACME PROD"); !g.Created.Equal(t0) || !g.SecretSetAt.Equal(t0.Add(90*time.Minute)) {
		t.Fatalf("reopened profile: %+v", g)
	}
}

func TestStoreFileModesAndBackup(t *testing.T) {
	path := storePath(t)
	clock := t0
	s := openAt(t, path, &clock)
	p := validProfile()
	if err := s.Add(p); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(path)
	// Windows has no permission bits (Go reports -rw-rw-rw-): the privacy of the
	// store there comes from the ACLs of the user's profile folder (%AppData%).
	unixModes := runtime.GOOS != "windows"
	fi, err := os.Stat(path)
	if err != nil || unixModes && fi.Mode().Perm() != 0o600 {
		t.Fatalf("file mode %v %v", fi.Mode(), err)
	}
	di, _ := os.Stat(filepath.Dir(path))
	if unixModes && di.Mode().Perm() != 0o700 {
		t.Fatalf("dir mode %v", di.Mode())
	}
	var f map[string]any
	if err := json.Unmarshal(first, &f); err != nil || f["schema"] != float64(1) {
		t.Fatalf("file content: %s", first)
	}
	p.Name = "second"
	if err := s.Add(p); err != nil {
		t.Fatal(err)
	}
	bak, err := os.ReadFile(path + ".bak")
	if err != nil || !bytes.Equal(bak, first) {
		t.Fatalf("backup is not the previous version: %v\n%s", err, bak)
	}
	bi, _ := os.Stat(path + ".bak")
	if unixModes && bi.Mode().Perm() != 0o600 {
		t.Fatalf("backup mode %v", bi.Mode())
	}
	// no temp files left behind
	ents, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Fatalf("temp file left: %s", e.Name())
		}
	}
}

func TestDefaultPathUsesEnv(t *testing.T) {
	t.Setenv(StoreEnv, "/some/where/p.json")
	if p, _ := DefaultPath(); p != "/some/where/p.json" {
		t.Fatalf("DefaultPath with env = %q", p)
	}
	t.Setenv(StoreEnv, "")
	// The user config directory: $XDG_CONFIG_HOME on Linux and BSD, %AppData% on
	// Windows, ~/Library/Application Support on macOS.
	t.Setenv("XDG_CONFIG_HOME", "/xdg")
	t.Setenv("HOME", "/home/u")
	t.Setenv("AppData", `C:\Users\u\AppData\Roaming`)
	want := map[string]string{
		"windows": filepath.Join(`C:\Users\u\AppData\Roaming`, "trustedapp-tester", "profiles.json"),
		"darwin":  filepath.Join("/home/u", "Library", "Application Support", "trustedapp-tester", "profiles.json"),
	}[runtime.GOOS]
	if want == "" {
		want = filepath.Join("/xdg", "trustedapp-tester", "profiles.json")
	}
	p, err := DefaultPath()
	if err != nil || p != want {
		t.Fatalf("DefaultPath = %q %v, want %q", p, err, want)
	}
	s, err := Open(filepath.Join(testdir.New(t), "x.json"))
	if err != nil || !filepath.IsAbs(s.Path()) {
		t.Fatal(err)
	}
}

const goodBackup = `{"schema":1,"profiles":[{"name":"from-backup","instance_url":"https://a.example","client_id":"c","created":"2026-01-01T00:00:00Z","updated":"2026-01-01T00:00:00Z"}]}`

func TestWriteFailureKeepsState(t *testing.T) {
	// After Open, the store's folder is replaced by a regular file: nothing can be
	// written there (this works as root too, unlike a read-only folder).
	dir := filepath.Join(testdir.New(t), "cfg")
	s, err := Open(filepath.Join(dir, "profiles.json"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := os.WriteFile(dir, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = s.Add(validProfile())
	if err == nil || !strings.Contains(err.Error(), "cannot save the profile store") || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("want a save error, got %v", err)
	}
	// A file in the way of a folder: ENOTDIR on Unix; on Windows the path is not found.
	if runtime.GOOS == "windows" && !errors.Is(err, fs.ErrNotExist) || runtime.GOOS != "windows" && !strings.Contains(err.Error(), "not a directory") {
		t.Fatalf("want the system's reason in the save error, got %v", err)
	}
	if len(s.List()) != 0 {
		t.Fatal("failed Add changed the in-memory store")
	}
}

// Two Stores on one file (two windows, or the app and the CLI): a change made on top
// of a stale view keeps the other writer's changes; a change to the very profile the
// other writer changed or deleted is refused and names it; Reload makes it work.
func TestChangedOnDiskByAnotherStore(t *testing.T) {
	path := storePath(t)
	clock := t0
	a := openAt(t, path, &clock)
	if err := a.Add(validProfile()); err != nil {
		t.Fatal(err)
	}
	b := openAt(t, path, &clock)
	c := openAt(t, path, &clock)
	p := validProfile()
	p.Name = "from b"
	if err := b.Add(p); err != nil {
		t.Fatal(err)
	}
	p.Name = "from c"
	if err := c.Add(p); err != nil { // c has not seen "from b": both are kept
		t.Fatalf("a change on top of another writer's: %v", err)
	}
	if _, err := c.Get("from b"); err != nil {
		t.Fatal("the other writer's profile is not in memory after the change")
	}
	// b edits "Acme Test"; a, which read it before, edits it too: refused, named.
	edit := func(s *Store, notes string) error {
		q := validProfile()
		q.Notes = notes
		return s.Update("Acme Test", q)
	}
	if err := edit(b, "by b"); err != nil {
		t.Fatal(err)
	}
	err := edit(a, "by a")
	var ce *ConflictError
	if !errors.Is(err, ErrChangedOnDisk) || !errors.As(err, &ce) || ce.Name != "Acme Test" ||
		!strings.Contains(err.Error(), `profile "Acme Test" was changed by another Trusted App Tester window or command since it was loaded; your change was not saved, and the other change was kept`) {
		t.Fatalf("want a conflict on Acme Test, got %v", err)
	}
	if got, _ := openAt(t, path, &clock).Get("Acme Test"); got.Notes != "by b" {
		t.Fatalf("the refused edit reached the file: %q", got.Notes)
	}
	if err := a.Reload(); err != nil {
		t.Fatal(err)
	}
	if err := edit(a, "by a"); err != nil {
		t.Fatalf("after Reload: %v", err)
	}
	// deleting a profile another writer changed, and changing one it deleted: refused
	if err := edit(b, "by b again"); !errors.Is(err, ErrChangedOnDisk) {
		t.Fatalf("b's stale edit: %v", err)
	}
	if err := b.Reload(); err != nil {
		t.Fatal(err)
	}
	if err := a.Delete("from c"); err != nil {
		t.Fatal(err)
	}
	q := validProfile()
	q.Name = "from c"
	if err := b.Update("from c", q); !errors.As(err, &ce) || !ce.Deleted || !strings.Contains(err.Error(), `profile "from c" was deleted by another`) {
		t.Fatalf("edit of a profile deleted elsewhere: %v", err)
	}
	final := openAt(t, path, &clock)
	if got := fmt.Sprint(names(final.List())); got != "[Acme Test from b]" {
		t.Fatalf("final profiles %s", got)
	}
	// a deleted file is a change too
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := final.Delete("from b"); !errors.Is(err, ErrChangedOnDisk) || !strings.Contains(err.Error(), "was deleted or moved away by something else") {
		t.Fatalf("deleted file: %v", err)
	}
	// and so is a file damaged meanwhile: nothing is written over it
	if err := os.WriteFile(path, []byte(`{"schema":1,"profiles":[`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := final.Delete("from b"); !errors.Is(err, ErrChangedOnDisk) || !strings.Contains(err.Error(), "cannot be read now") {
		t.Fatalf("damaged file: %v", err)
	}
	if raw, _ := os.ReadFile(path); string(raw) != `{"schema":1,"profiles":[` {
		t.Fatal("a damaged file was overwritten")
	}
}

func TestExportImport(t *testing.T) {
	clock := t0
	src := openAt(t, storePath(t), &clock)
	a := validProfile()
	a.Calls = []APICall{{Method: "GET", Path: "/api/domain/odata/X"}}
	if err := src.Add(a); err != nil {
		t.Fatal(err)
	}
	b := validProfile()
	b.Name = "Other"
	if err := src.Add(b); err != nil {
		t.Fatal(err)
	}
	if err := src.MarkSecretSet("Other", t0); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := src.Export([]string{"nope"}, &buf); !errors.Is(err, ErrNotFound) || buf.Len() != 0 {
		t.Fatalf("export unknown: %v %q", err, buf.String())
	}
	if err := src.Export(nil, &buf); err != nil {
		t.Fatal(err)
	}
	var bun map[string]any
	if err := json.Unmarshal(buf.Bytes(), &bun); err != nil || bun["kind"] != BundleKind || bun["schema"] != float64(1) {
		t.Fatalf("bundle: %s", buf.String())
	}
	if strings.Contains(buf.String(), "secret_set_at") {
		t.Fatalf("export carries the secret date: %s", buf.String())
	}
	exported := buf.String()

	dst := openAt(t, storePath(t), &clock)
	res, err := dst.Import(strings.NewReader(exported), nil)
	if err != nil || strings.Join(res.Added, ",") != "Acme Test,Other" {
		t.Fatalf("import: %+v %v", res, err)
	}
	if g, _ := dst.Get("Acme Test"); len(g.Calls) != 1 || !g.Created.Equal(t0) {
		t.Fatalf("imported profile: %+v", g)
	}
	// again: default skip
	res, err = dst.Import(strings.NewReader(exported), nil)
	if err != nil || len(res.Skipped) != 2 || len(res.Added) != 0 {
		t.Fatalf("skip: %+v %v", res, err)
	}
	// rename with automatic names, twice
	ren := func(Profile) (ConflictAction, string) { return ConflictRename, "" }
	res, _ = dst.Import(strings.NewReader(exported), ren)
	res2, _ := dst.Import(strings.NewReader(exported), ren)
	if fmt.Sprint(res.Renamed) != "[{Acme Test Acme Test (2)} {Other Other (2)}]" || res2.Renamed[0].To != "Acme Test (3)" {
		t.Fatalf("renamed: %+v %+v", res.Renamed, res2.Renamed)
	}
	// rename to a taken name is rejected with the problem
	res, _ = dst.Import(strings.NewReader(exported), func(p Profile) (ConflictAction, string) { return ConflictRename, "other (2)" })
	if len(res.Rejected) != 2 || !strings.Contains(res.Rejected[0].Problems[0].Message, "already exists") {
		t.Fatalf("rejected: %+v", res)
	}
	// replace keeps the local secret date
	if err := dst.MarkSecretSet("Other", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	res, _ = dst.Import(strings.NewReader(exported), func(p Profile) (ConflictAction, string) { return ConflictReplace, "" })
	if len(res.Replaced) != 2 {
		t.Fatalf("replace: %+v", res)
	}
	if g, _ := dst.Get("Other"); !g.SecretSetAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("replace lost secret date: %+v", g)
	}
	// invalid profiles in a bundle are rejected, the rest imported
	bad := `{"kind":"trustedapp-tester/profiles","schema":1,"profiles":[{"name":"bad","instance_url":"https://id.erp.net","client_id":"c"},{"name":"good","instance_url":"https://g.example","client_id":"c"}]}`
	res, err = dst.Import(strings.NewReader(bad), nil)
	if err != nil || len(res.Rejected) != 1 || res.Rejected[0].Name != "bad" || fmt.Sprint(res.Added) != "[good]" {
		t.Fatalf("mixed bundle: %+v %v", res, err)
	}
	// not a bundle at all
	for raw, want := range map[string]string{
		`{"kind":"something/else","schema":1}`:                           `not a profile bundle ("trustedapp-tester/profiles")`,
		`{"kind":"trustedapp-tester/profiles","schema":9,"profiles":[]}`: "schema 9",
		`nonsense`: "cannot be used (invalid JSON",
		`{"kind":`: "not a profile bundle",
	} {
		if _, err := dst.Import(strings.NewReader(raw), nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("import %q: want %q, got %v", raw, want, err)
		}
	}
}

func TestConcurrentGoroutines(t *testing.T) {
	clock := t0
	s := openAt(t, storePath(t), &clock)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			p := validProfile()
			p.Name = fmt.Sprintf("p%02d", i)
			errs <- s.Add(p)
			s.List()
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	s2, err := Open(s.Path())
	if err != nil || len(s2.List()) != 20 {
		t.Fatalf("%v %d", err, len(s2.List()))
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(goodBackup))
	f.Add([]byte(`[]`))
	f.Add([]byte(`[{"name":"a"}]`))
	f.Add([]byte(`{"schema":1,"profiles":null}`))
	f.Add([]byte(`{"schema":2}`))
	f.Add([]byte(`{"schema":-1}`))
	f.Add([]byte(`{"schema":1,"profiles":[{"name":"a","calls":[{"method":"GET","path":"/x"}],"tls":{"ca_file":"x"}}]}`))
	f.Add([]byte(goodBackup[:40]))
	f.Add([]byte{0xff, 0xfe, '{'})
	f.Fuzz(func(t *testing.T, raw []byte) {
		f, _, err := decodeStore(raw)
		ps := f.Profiles
		if err != nil {
			var de *decodeError
			if !errors.As(err, &de) || de.reason == "" || de.msg == "" {
				t.Fatalf("error without reason: %#v", err)
			}
			return
		}
		// whatever loads must save and load back to the same profiles
		out, err := encodeStore(f)
		if err != nil {
			t.Fatal(err)
		}
		back, from, err := decodeStore(out)
		if err != nil || from != SchemaVersion || len(back.Profiles) != len(ps) {
			t.Fatalf("round trip: %v %d %d/%d", err, from, len(back.Profiles), len(ps))
		}
		// and once more: what a newer version added survives every save
		again, err := encodeStore(back)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("second save differs: %v\n%s\n%s", err, out, again)
		}
		for _, p := range ps {
			Validate(p, ps) // must not panic
		}
	})
}
