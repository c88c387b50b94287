package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/redact"
)

// Runs: besides one line per request, History keeps one summary per run
// (check.RunSummary: System User, database, scopes, each step's result and time,
// finding codes, the record when read), so two runs can be compared later. They live
// in a sibling file, <log name>.runs.jsonl (audit.runs.jsonl), rotated like the log
// and with the same limits, so the request log keeps its one-line-per-request shape.

// ErrRunNotFound is matched (errors.Is) when no run has the asked-for id.
var ErrRunNotFound = errors.New("no run with that id in History")

// RunsPath is the file that holds the run summaries of the log at path.
func RunsPath(path string) string {
	dir, base := filepath.Split(path)
	return filepath.Join(dir, strings.TrimSuffix(base, ".jsonl")+".runs.jsonl")
}

func (l *Log) runs() *Log {
	l.runsOnce.Do(func() {
		l.mu.Lock()
		l.runsLog = &Log{path: RunsPath(l.path), maxBytes: l.maxBytes, files: l.files}
		l.mu.Unlock()
	})
	return l.runsLog
}

// AppendRun appends a run's summary (scrubbed, like every line of the log).
func (l *Log) AppendRun(s check.RunSummary) error {
	if s.ID == "" {
		s.ID = check.NewRunID()
	}
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	line := append([]byte(redact.Text(string(b))), '\n')
	return l.runs().write(line)
}

// Runs returns the matching run summaries, oldest first (Filter.Profile matches the
// profile name exactly; Since the run's start). Unreadable lines are skipped and
// counted (Corrupt of the runs file).
func (l *Log) Runs(f Filter) ([]check.RunSummary, error) {
	return l.runsMatching(f, "")
}

// runsMatching is Runs, also limited to ids starting with idPrefix.
func (l *Log) runsMatching(f Filter, idPrefix string) ([]check.RunSummary, error) {
	var out []check.RunSummary
	rl := l.runs()
	// A line that does not hold the profile's name (as JSON writes it) cannot match:
	// skip it without decoding it.
	var want []byte
	if f.Profile != "" {
		b, _ := json.Marshal(f.Profile)
		want = append([]byte(`"profile":`), b...)
	}
	wantID := []byte(`"id":"` + idPrefix)
	err := rl.eachLine(func(t []byte) error {
		if (want != nil && !bytes.Contains(t, want)) || !bytes.Contains(t, wantID) {
			return nil
		}
		var s check.RunSummary
		if err := json.Unmarshal(t, &s); err != nil || s.ID == "" || s.Started.IsZero() {
			rl.corrupt++
			return nil
		}
		if f.match(Entry{Profile: s.Profile, Time: s.Started}) && strings.HasPrefix(s.ID, idPrefix) {
			out = append(out, s)
		}
		return nil
	})
	return out, err
}

// Run returns the run whose id starts with id (at least 4 hex digits; a prefix that
// fits two runs is refused, naming both).
func (l *Log) Run(id string) (check.RunSummary, error) {
	id = strings.ToLower(strings.TrimSpace(id))
	if len(id) < 4 {
		return check.RunSummary{}, fmt.Errorf("run id %q: give at least 4 of its hex digits", id)
	}
	hits, err := l.runsMatching(Filter{}, id)
	if err != nil {
		return check.RunSummary{}, err
	}
	switch len(hits) {
	case 0:
		return check.RunSummary{}, fmt.Errorf("run %q: %w (History keeps the newest runs only)", id, ErrRunNotFound)
	case 1:
		return hits[0], nil
	}
	return check.RunSummary{}, fmt.Errorf("run id %q fits %d runs (%s, %s, ...): give more digits", id, len(hits), hits[0].ID, hits[1].ID)
}
