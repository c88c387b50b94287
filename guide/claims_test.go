package guide_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"trustedapp-tester/guide"
)

// claimsFile is the list of what the product says about ERP.net, each claim with its
// source or marked as a guess.
const claimsFile = "docs/erpnet-claims.md"

// claimRow is one row of the claims file.
type claimRow struct {
	id, claim, status string
	where, sources    []string
	line              int
}

var (
	claimIDRE  = regexp.MustCompile(`^[a-z]+(\.[a-z0-9-]+)+$`)
	backtickRE = regexp.MustCompile("`([^`]+)`")
	sourceRE   = regexp.MustCompile(`^(dev|tech|model|apiclient):[A-Za-z0-9_./-]+$`)
)

// markers are what the text says where the docs are silent (a guess) or where a claim
// is drawn rather than read (an inference).
var markers = []string{"do not say", "not documented", "inference", "docs show", "say only", "guess", "publish no", "do not publish"}

func loadClaims(t *testing.T) (map[string]claimRow, []claimRow) {
	t.Helper()
	f, err := os.Open(filepath.Join(moduleRoot(t), claimsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	byID := map[string]claimRow{}
	var rows []claimRow
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		cells := strings.Split(strings.Trim(strings.ReplaceAll(line, `\|`, "\x00"), "|"), "|")
		id := strings.TrimSpace(cells[0])
		if !claimIDRE.MatchString(id) {
			continue // the header
		}
		if len(cells) != 5 {
			t.Errorf("%s:%d: %d cells, want 5 (ID, claim, where, source, status)", claimsFile, n, len(cells))
			continue
		}
		r := claimRow{id: id, claim: strings.TrimSpace(cells[1]), status: strings.TrimSpace(cells[4]), line: n}
		for _, m := range backtickRE.FindAllStringSubmatch(cells[2], -1) {
			r.where = append(r.where, m[1])
		}
		for _, m := range backtickRE.FindAllStringSubmatch(cells[3], -1) {
			r.sources = append(r.sources, m[1])
		}
		if _, dup := byID[id]; dup {
			t.Errorf("%s:%d: claim %s appears twice", claimsFile, n, id)
		}
		byID[id] = r
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(rows) < 40 {
		t.Fatalf("%s holds only %d claims: the table did not parse", claimsFile, len(rows))
	}
	return byID, rows
}

// pageOf is the published page of a dev: or tech: source ("" for other sources).
func pageOf(src string) string {
	site, path, _ := strings.Cut(src, ":")
	if site != "dev" && site != "tech" {
		return ""
	}
	return "https://docs.erp.net/" + site + "/" + strings.TrimSuffix(path, ".md") + ".html"
}

// explanationText is everything the user reads of code's explanation, with no evidence
// and with every key filled.
func explanationText(code string) string {
	var b strings.Builder
	for _, ev := range []map[string]string{nil, fullEvidence} {
		b.WriteString(strings.Join(allText(guide.Explain(code, ev)), " | "))
	}
	return b.String()
}

func hasMarker(text string) bool {
	low := strings.ToLower(text)
	for _, m := range markers {
		if strings.Contains(low, m) {
			return true
		}
	}
	return false
}

// The claims file and the code agree: each catalogue entry's claims are rows, each row
// names existing entries and files and is named back by those entries; guesses are
// marked where the user reads them; documented claims name published pages.
func TestClaimsAreListedWithTheirSources(t *testing.T) {
	byID, rows := loadClaims(t)
	root := moduleRoot(t)
	pages := loadDocPages(t)
	codes := guide.Codes()
	for _, r := range rows {
		at := claimsFile + ":" + strings.TrimSpace(r.id)
		switch r.status {
		case "documented", "inference", "guess", "tool":
		default:
			t.Errorf("%s: status %q is none of documented, inference, guess, tool", at, r.status)
		}
		if r.claim == "" || len(r.where) == 0 {
			t.Errorf("%s: no claim, or nowhere said", at)
		}
		var entries, files []string
		for _, w := range r.where {
			switch {
			case guide.Has(w):
				entries = append(entries, w)
				if !slices.Contains(guide.Claims(w), r.id) {
					t.Errorf("%s names %s, whose claims (guide/claims.go) do not list it", at, w)
				}
			case strings.Contains(w, "/"):
				b, err := os.ReadFile(filepath.Join(root, w))
				if err != nil {
					t.Errorf("%s: %s is neither a catalogue entry nor a file of the module", at, w)
					continue
				}
				files = append(files, string(b))
			default:
				t.Errorf("%s: %q is not a catalogue entry", at, w)
			}
		}
		switch r.status {
		case "documented", "inference":
			if len(r.sources) == 0 {
				t.Errorf("%s: a %s claim names no source", at, r.status)
			}
		case "guess", "tool":
			if len(r.sources) > 0 {
				t.Errorf("%s: a %s claim names a source %v: is it documented?", at, r.status, r.sources)
			}
		}
		for _, s := range r.sources {
			if !sourceRE.MatchString(s) {
				t.Errorf("%s: source %q is not dev:, tech:, model: or apiclient: with a path", at, s)
			} else if p := pageOf(s); p != "" && !pages[p] && !pages[strings.TrimSuffix(p, "index.html")] {
				t.Errorf("%s: source %s is not a published page (%s)", at, s, p)
			}
		}
		// A guess or an inference is said as such where it is read.
		if r.status == "guess" || r.status == "inference" {
			for _, e := range entries {
				if !hasMarker(explanationText(e)) {
					t.Errorf("%s: %s presents the %s %q as a fact: its explanation says none of %q", at, e, r.status, r.claim, markers)
				}
			}
			if len(entries) == 0 {
				marked := false
				for _, f := range files {
					marked = marked || hasMarker(f)
				}
				if !marked {
					t.Errorf("%s: none of the files %v marks the %s", at, r.where, r.status)
				}
			}
		}
	}
	// Every entry states its claims, each a row that names it.
	for _, c := range codes {
		ids := guide.Claims(c)
		if len(ids) == 0 {
			t.Errorf("catalogue entry %s names no claim (guide/claims.go)", c)
		}
		toolOnly := true
		for _, id := range ids {
			r, ok := byID[id]
			if !ok {
				t.Errorf("%s names claim %s, which %s does not list", c, id, claimsFile)
				continue
			}
			if !slices.Contains(r.where, c) {
				t.Errorf("%s names claim %s, whose row does not name it", c, id)
			}
			toolOnly = toolOnly && r.status == "tool"
		}
		// No docs link: nothing ERP.net says is claimed.
		if x := guide.Explain(c, nil); x.DocURL == "" && !toolOnly {
			t.Errorf("%s links no docs page but claims %v about ERP.net", c, ids)
		}
	}
	if len(guide.Claims("made.up")) != 0 {
		t.Error("an unknown code has claims")
	}
}

// The test catches what it must: an unmarked guess, a row naming an entry that does not
// name it back, a source that is no published page.
func TestClaimsCheckCatchesDrift(t *testing.T) {
	if hasMarker("An empty Scope field gives a token without scopes.") {
		t.Error("an unmarked claim counts as marked")
	}
	if !hasMarker("what such a field gives, ERP.net's docs do not say") {
		t.Error("a marked guess is not seen")
	}
	pages := loadDocPages(t)
	if p := pageOf("dev:auth/sessions/overview.md"); !pages[p] {
		t.Errorf("%s is not found", p)
	}
	if p := pageOf("tech:advanced/security/sessions-and-licenses.md"); pages[p] {
		t.Errorf("an unpublished page %s passes", p)
	}
	ids := guide.Claims("token.no_scopes")
	sort.Strings(ids)
	if !slices.Contains(ids, "scope.empty-field") {
		t.Errorf("token.no_scopes claims %v", ids)
	}
}
