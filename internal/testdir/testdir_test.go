package testdir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNewIsEmptyAndRemovedAfterTheTest(t *testing.T) {
	var dir string
	t.Run("inner/with:odd*chars", func(t *testing.T) {
		dir = New(t)
		if ents, err := os.ReadDir(dir); err != nil || len(ents) != 0 {
			t.Fatalf("not a new empty directory: %v %v", ents, err)
		}
		if strings.ContainsAny(filepath.Base(dir), `/\:*`) {
			t.Fatalf("unsafe name %q", filepath.Base(dir))
		}
		write(t, filepath.Join(dir, "a", "b", "c.txt"))
		write(t, filepath.Join(dir, "ro.txt"))
		if err := os.Chmod(filepath.Join(dir, "ro.txt"), 0o400); err != nil {
			t.Fatal(err)
		}
	})
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("%s is still there after the test: %v", dir, err)
	}
}

func TestRemoveDeletesATreeAndToleratesAMissingOne(t *testing.T) {
	dir, err := os.MkdirTemp("", "testdir-*")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"x/y/z/1", "x/y/2", "x/3", "4"} {
		write(t, filepath.Join(dir, filepath.FromSlash(f)))
	}
	if err := Remove(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("still there: %v", err)
	}
	if err := Remove(dir); err != nil {
		t.Fatalf("removing a missing directory: %v", err)
	}
}

func write(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
}
