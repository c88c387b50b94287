package profiles

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"

	"trustedapp-tester/internal/redact"
	"trustedapp-tester/internal/safetext"
)

// Profiles from a CSV file: the list of customer instances a support engineer brings,
// one Trusted App a row. The first row names the columns (any order, any case):
//
//	name        the profile's name (required)
//	instance    the instance root, e.g. https://acme.my.erp.net (required; also "instance_url")
//	client_id   the Trusted App's ApplicationUri (required; also "client id", "clientid")
//	scopes      requested scopes, separated by spaces, commas or semicolons (also "scope")
//	env         the environment label: Production, Test, ... (also "environment")
//	tags        tags, separated by commas or semicolons (also "tag")
//
// The separator is what the header uses: a comma, a semicolon (Excel writes that
// where the decimal mark is a comma, as in Bulgarian and most European locales) or a
// tab. Quoted fields, CRLF line ends and a UTF-8 byte-order mark are fine, and so is
// UTF-16 with its byte-order mark (Excel's "Unicode text"). Other encodings are refused:
// save the file as "CSV UTF-8". Empty rows are skipped.
//
// A secret is never in the file: a column named like one (secret, password, token,
// api key ...) refuses the whole file, before any row is read. Secrets are set
// afterwards, one profile at a time, in the keychain.

// Column names of a profile CSV file, as the header row spells them.
const (
	CSVName     = "name"
	CSVInstance = "instance"
	CSVClientID = "client_id"
	CSVScopes   = "scopes"
	CSVEnv      = "env"
	CSVTags     = "tags"
)

// CSVColumns are the columns a profile CSV file may have, in the order a template
// lists them.
var CSVColumns = []string{CSVName, CSVInstance, CSVClientID, CSVScopes, CSVEnv, CSVTags}

// csvAliases maps a header cell, lower-cased with spaces, dashes and underscores
// removed, to its column.
var csvAliases = map[string]string{
	"name": CSVName, "profile": CSVName, "profilename": CSVName,
	"instance": CSVInstance, "instanceurl": CSVInstance, "url": CSVInstance,
	"clientid": CSVClientID, "applicationuri": CSVClientID,
	"scopes": CSVScopes, "scope": CSVScopes,
	"env": CSVEnv, "environment": CSVEnv,
	"tags": CSVTags, "tag": CSVTags,
}

// secretWords are what a column holding a credential is called; redact's field names
// (client_secret, token, api_key ...) count too.
var secretWords = []string{"secret", "password", "passwd", "pwd", "token", "apikey", "credential", "assertion"}

// MaxCSVRows bounds the rows of a CSV import.
const MaxCSVRows = 10000

// CSVError is a CSV file that cannot be imported, with every problem found (each
// naming its line), so the user can fix them all at once.
type CSVError struct {
	Problems []string
}

func (e *CSVError) Error() string {
	if len(e.Problems) == 1 {
		return "the CSV file cannot be imported: " + e.Problems[0]
	}
	return fmt.Sprintf("the CSV file cannot be imported (%d problems): %s", len(e.Problems), strings.Join(e.Problems, "; "))
}

// maxCSVProblems bounds the problems a CSVError lists.
const maxCSVProblems = 20

// ReadCSV reads the profiles of a CSV file (at most MaxBundleBytes, see the comment
// above for its shape) without touching any store: what ImportCSV would bring in, for
// a review first. A file with structural problems (no header, a missing required
// column, a secret column, a row with too many cells or no name) is refused whole with
// a *CSVError; the values themselves are validated by the import, row by row.
func ReadCSV(r io.Reader) ([]Profile, error) {
	raw, err := ReadBundleBytes(r)
	if err != nil {
		return nil, err
	}
	text, err := csvText(raw)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(text) == "" {
		return nil, &CSVError{Problems: []string{"the file is empty: the first row names the columns (" + strings.Join(CSVColumns, ", ") + ")"}}
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = separator(text)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err != nil {
		return nil, &CSVError{Problems: []string{"line 1: " + csvErr(err)}}
	}
	cols, problems := csvHeader(header)
	if len(problems) > 0 {
		return nil, &CSVError{Problems: problems}
	}
	var out []Profile
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			problems = append(problems, csvErr(err))
			break // the reader cannot resync after a broken quote
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		if len(out) >= MaxCSVRows {
			problems = append(problems, fmt.Sprintf("more than %d rows: split the file", MaxCSVRows))
			break
		}
		if len(rec) > len(header) && !blank(rec[len(header):]) {
			problems = append(problems, fmt.Sprintf("line %d has %d cells, the header %d: quote a value that holds the separator %q", line, len(rec), len(header), string(cr.Comma)))
			continue
		}
		cell := func(col string) string {
			i, ok := cols[col]
			if !ok || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		p := Profile{
			Name: cell(CSVName), InstanceURL: cell(CSVInstance), ClientID: cell(CSVClientID),
			Environment: cell(CSVEnv), Tags: NormalizeTags(cell(CSVTags)),
		}
		if sc := strings.FieldsFunc(cell(CSVScopes), func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' }); len(sc) > 0 {
			p.Scopes = sc
		}
		if p.Name == "" {
			problems = append(problems, fmt.Sprintf("line %d has no name: every row needs one", line))
			continue
		}
		out = append(out, p)
		if len(problems) >= maxCSVProblems {
			break
		}
	}
	if len(problems) > 0 {
		if len(problems) > maxCSVProblems {
			problems = append(problems[:maxCSVProblems], "and more")
		}
		return nil, &CSVError{Problems: problems}
	}
	if len(out) == 0 {
		return nil, &CSVError{Problems: []string{"the file has a header but no rows"}}
	}
	return out, nil
}

// ImportCSV imports the profiles of a CSV file into s in one write, as ImportBundle
// does a bundle: the same validation, conflict choices (decide; nil: skip) and review.
// No secret comes with them.
func ImportCSV(s *Store, r io.Reader, decide func(name string) ConflictAction) (ImportResult, error) {
	ps, err := ReadCSV(r)
	if err != nil {
		return ImportResult{}, err
	}
	return s.ImportProfiles(ps, func(p Profile) (ConflictAction, string) {
		if decide == nil {
			return ConflictSkip, ""
		}
		return decide(p.Name), ""
	})
}

// csvText decodes the file: UTF-8 (with or without its byte-order mark) or UTF-16
// with its byte-order mark.
func csvText(raw []byte) (string, error) {
	switch {
	case bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}):
		raw = raw[3:]
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}), bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
		out, err := dec.Bytes(raw)
		if err != nil {
			return "", &CSVError{Problems: []string{fmt.Sprintf("the file starts as UTF-16 but does not decode (%v): save it as \"CSV UTF-8\"", err)}}
		}
		raw = out
	}
	if !utf8.Valid(raw) {
		line := 1 + bytes.Count(raw[:invalidAt(raw)], []byte{'\n'})
		return "", &CSVError{Problems: []string{fmt.Sprintf("line %d is not UTF-8 text (a file saved in a Windows code page such as Cyrillic 1251?): save it as \"CSV UTF-8 (Comma delimited)\"", line)}}
	}
	return string(raw), nil
}

func invalidAt(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// separator is the header line's separator: the one of ',', ';' and tab it uses most
// outside quotes (a comma when it uses none).
func separator(text string) rune {
	counts := map[rune]int{}
	quoted := false
	for _, r := range text {
		if r == '"' {
			quoted = !quoted
			continue
		}
		if !quoted && (r == '\n' || r == '\r') {
			break
		}
		if !quoted && (r == ',' || r == ';' || r == '\t') {
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

// csvHeader maps each known column to its index, and lists what is wrong with the
// header: a secret column, an unknown or repeated column, a missing required one.
func csvHeader(header []string) (map[string]int, []string) {
	cols := map[string]int{}
	var problems []string
	for i, h := range header {
		raw := strings.TrimSpace(h)
		shown := safetext.Line(raw)
		if shown == "" {
			if i == len(header)-1 {
				continue // a trailing separator
			}
			problems = append(problems, fmt.Sprintf("line 1: column %d has no name: name it (%s) or remove it", i+1, strings.Join(CSVColumns, ", ")))
			continue
		}
		key := squash(raw)
		if secretColumn(raw, key) {
			problems = append(problems, fmt.Sprintf("line 1: column %d %q looks like a secret: secrets are never imported from a file; remove the column (and delete the file's copies of the secrets), import, then set each profile's secret in the keychain (trustedapp-check profiles set-secret NAME, or the app's editor)", i+1, shown))
			continue
		}
		col, ok := csvAliases[key]
		if !ok {
			problems = append(problems, fmt.Sprintf("line 1: column %d %q is not one this import knows: use %s", i+1, shown, strings.Join(CSVColumns, ", ")))
			continue
		}
		if j, dup := cols[col]; dup {
			problems = append(problems, fmt.Sprintf("line 1: columns %d and %d are both %s: keep one", j+1, i+1, col))
			continue
		}
		cols[col] = i
	}
	for _, req := range []string{CSVName, CSVInstance, CSVClientID} {
		if _, ok := cols[req]; !ok && !hasSecretProblem(problems) {
			problems = append(problems, fmt.Sprintf("line 1: no %s column: the first row names the columns (%s; %s, %s and %s are required)", req, strings.Join(CSVColumns, ", "), CSVName, CSVInstance, CSVClientID))
		}
	}
	return cols, problems
}

func hasSecretProblem(ps []string) bool {
	for _, p := range ps {
		if strings.Contains(p, "looks like a secret") {
			return true
		}
	}
	return false
}

// squash lower-cases a header cell and drops spaces, dashes, underscores and dots.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '_', '.', '\t':
			return -1
		}
		return r
	}, strings.ToLower(s))
}

func secretColumn(raw, key string) bool {
	if redact.IsSecretField(raw) || redact.IsSecretField(strings.ReplaceAll(strings.ToLower(raw), " ", "_")) {
		return true
	}
	for _, w := range secretWords {
		if strings.Contains(key, w) {
			return true
		}
	}
	return false
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// csvErr says what encoding/csv found, with its line.
func csvErr(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		what := pe.Err.Error()
		if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
			what += ": a value with a quote in it is quoted and its quotes doubled (\"say \"\"hi\"\"\")"
		}
		return fmt.Sprintf("line %d: %s", pe.StartLine, what)
	}
	return err.Error()
}
