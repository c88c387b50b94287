package desk

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"trustedapp-tester/internal/testdir"
	"trustedapp-tester/profiles"
)

// The app and the CLI (or a second window) share one profile file. A change made
// elsewhere shows up in the app's list; a change in the app on top of it keeps it; a
// change to the very profile the other writer changed is refused with a clear message
// (the store reloads), then succeeds when made again, keeping both edits.
func TestStoreSharedWithAnotherWriter(t *testing.T) {
	path := filepath.Join(testdir.New(t), "profiles.json")
	appStore, err := profiles.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	app := NewStore(appStore)
	mine := profiles.Profile{Name: "Mine", InstanceURL: "https://acme.my.erp.net", ClientID: "com.acme/a"}
	if err := app.Add(mine); err != nil {
		t.Fatal(err)
	}

	cli, err := profiles.Open(path) // the trustedapp-check command, say
	if err != nil {
		t.Fatal(err)
	}
	if err := cli.Add(profiles.Profile{Name: "From the CLI", InstanceURL: "https://acme.my.erp.net", ClientID: "com.acme/b"}); err != nil {
		t.Fatal(err)
	}
	// The app has not reloaded: its change is made on top of the CLI's.
	if err := app.Add(profiles.Profile{Name: "Second", InstanceURL: "https://acme.my.erp.net", ClientID: "com.acme/c"}); err != nil {
		t.Fatalf("a change on top of the CLI's: %v", err)
	}
	// The CLI edits "Mine"; the app, which read "Mine" before, edits it too: refused.
	edited, _ := cli.Get("Mine")
	edited.Notes = "from the CLI"
	if err := cli.Update("Mine", edited); err != nil {
		t.Fatal(err)
	}
	mine.Notes = "from the app"
	err = app.Update("Mine", mine)
	var ce *ChangedElsewhereError
	if !errors.As(err, &ce) || !errors.Is(err, profiles.ErrChangedOnDisk) ||
		!strings.Contains(err.Error(), "make the change again") {
		t.Fatalf("want a ChangedElsewhereError, got %v", err)
	}
	if got, _ := appStore.Get("Mine"); got.Notes != "from the CLI" {
		t.Fatalf("the app did not reload: %q", got.Notes)
	}
	if err := app.Update("Mine", mine); err != nil {
		t.Fatalf("the change made again failed: %v", err)
	}
	if err := cli.Add(profiles.Profile{Name: "Later from the CLI", InstanceURL: "https://acme.my.erp.net", ClientID: "com.acme/d"}); err != nil {
		t.Fatal(err)
	}
	list, err := app.List()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range list {
		names = append(names, p.Name)
	}
	if got := strings.Join(names, ", "); got != "From the CLI, Later from the CLI, Mine, Second" {
		t.Errorf("the app lists %q", got)
	}
}
