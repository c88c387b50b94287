//go:build linux || darwin || freebsd

package main

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/zalando/go-keyring"

	"trustedapp-tester/audit"
	"trustedapp-tester/internal/testdir"
)

// Every file the CLI writes is its owner's alone, whatever the umask: the profile
// store, its backup and lock, the audit log, the reports (Markdown, JSON, JUnit), a
// profile export and the record values of 'secret new --export' (which was 0644).
func TestEveryFileTheCLIWritesIsPrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	keyring.MockInit()
	s := startSandbox(t)
	args, secret := scenarioArgs(t, s, "healthy")
	dir := testdir.New(t)
	store := filepath.Join(dir, "config", "profiles.json")
	t.Setenv(audit.EnvPath, filepath.Join(dir, "history", "audit.jsonl"))
	t.Setenv(SecretEnv, secret)
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range [][]string{
		append([]string{"profiles", "add", "Acme", "--store", store}, args...),
		{"profiles", "edit", "Acme", "--notes", "second version, so a backup is written", "--store", store},
		{"check", "Acme", "--store", store, "--report", filepath.Join(out, "r.md"), "--junit", filepath.Join(out, "junit.xml")},
		{"profiles", "export", "Acme", "-o", filepath.Join(out, "bundle.json"), "--store", store},
		{"secret", "new", "--profile", "Acme", "--replace", "--export", filepath.Join(out, "ticket.txt"), "--store", store},
		{"secret", "new", "--export", filepath.Join(out, "ticket.json")},
	} {
		if r := runArgs(t, context.Background(), "", cmd...); r.code != exitOK {
			t.Fatalf("%s: exit %d\n%s%s", strings.Join(cmd, " "), r.code, r.stdout, r.stderr)
		}
	}
	var files []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files = append(files, rel)
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is %v: others may read it", rel, fi.Mode().Perm())
		}
		return nil
	})
	sort.Strings(files)
	want := []string{"config/profiles.json", "config/profiles.json.bak", "config/profiles.json.lock", "history/audit.jsonl",
		"out/bundle.json", "out/junit.xml", "out/r.json", "out/r.md", "out/ticket.json", "out/ticket.txt"}
	for _, w := range want {
		if !strings.Contains(strings.Join(files, "\n")+"\n", filepath.FromSlash(w)+"\n") {
			t.Errorf("%s was not written (the test checks less than it says): %v", w, files)
		}
	}
}
