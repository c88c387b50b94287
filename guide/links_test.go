package guide_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// docPagesFile lists every docs.erp.net page the public ErpNetDocs repositories hold
// (a copy of the project's shared list; see its first lines for the snapshot).
const docPagesFile = "testdata/erpnet-doc-pages.txt"

// docLink finds docs.erp.net links in any text.
var docLink = regexp.MustCompile(`https?://docs\.erp\.net(/[^\s"'<>()\[\]{}` + "`" + `*|\\]*)?`)

func loadDocPages(t *testing.T) map[string]bool {
	t.Helper()
	f, err := os.Open(docPagesFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pages := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		pages[line] = true
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(pages) < 100 {
		t.Fatalf("%s lists only %d pages: the copy is damaged", docPagesFile, len(pages))
	}
	return pages
}

// staleLinks returns the docs.erp.net page links in text that are not in pages. The
// bare site root (used by prefix checks) is not a page link; a #fragment or ?query is
// ignored, and trailing sentence punctuation is not part of the link.
func staleLinks(text string, pages map[string]bool) []string {
	var bad []string
	for _, m := range docLink.FindAllString(text, -1) {
		link := strings.TrimRight(m, ".,;:!")
		if i := strings.IndexAny(link, "#?"); i >= 0 {
			link = link[:i]
		}
		link = strings.Replace(link, "http://", "https://", 1)
		if link == "https://docs.erp.net" || link == "https://docs.erp.net/" {
			continue
		}
		if !pages[link] {
			bad = append(bad, strings.TrimRight(m, ".,;:!"))
		}
	}
	return bad
}

// moduleRoot is the directory holding go.mod, above this package.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the guide package")
		}
		dir = parent
	}
}

// textFile reports whether a file is source or documentation that may hold a link.
func textFile(name string) bool {
	switch filepath.Ext(name) {
	case ".go", ".md", ".toml", ".sh", ".yml", ".yaml", ".json", ".desktop", ".txt", ".xml", ".svg", ".wxs", ".in", ".rc":
		return true
	}
	switch name {
	case "Makefile", "run":
		return true
	}
	return false
}

// TestDocLinksArePublishedPages fails on any docs.erp.net link anywhere in the code,
// scripts or documentation that is not a page the public docs hold today.
func TestDocLinksArePublishedPages(t *testing.T) {
	pages := loadDocPages(t)
	root := moduleRoot(t)
	self, _ := filepath.Abs(docPagesFile)
	found := 0
	var stale []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "bin", "dist", "node_modules":
				return filepath.SkipDir
			}
			return nil
		}
		if path == self || !textFile(d.Name()) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		found += len(docLink.FindAllIndex(b, -1))
		for _, l := range staleLinks(string(b), pages) {
			stale = append(stale, rel+": "+l)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 20 {
		t.Fatalf("found only %d docs.erp.net links under %s: the scan missed the catalogue", found, root)
	}
	sort.Strings(stale)
	for _, s := range stale {
		t.Errorf("not a current docs.erp.net page (see %s): %s", docPagesFile, s)
	}
}

// TestStaleLinksCatchesMovedPages proves the check itself: a link of the old
// /dev/building-apps/auth/ layout is reported, its current form is not.
func TestStaleLinksCatchesMovedPages(t *testing.T) {
	pages := loadDocPages(t)
	const site = "https://docs.erp.net" // split so this file holds no literal stale link
	text := `see ` + site + `/dev/building-apps/auth/sessions/license-slot.html, ` +
		`and <https://docs.erp.net/dev/auth/sessions/license-slot.html#duration>; root https://docs.erp.net/ only.`
	got := staleLinks(text, pages)
	if len(got) != 1 || got[0] != site+"/dev/building-apps/auth/sessions/license-slot.html" {
		t.Fatalf("stale links: %q", got)
	}
}
