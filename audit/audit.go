// Package audit keeps an append-only, size-bounded JSON-lines log of token requests
// and API calls: time, profile, endpoint, status, client_id, token fingerprint and
// duration. Never a secret or a whole token.
//
// The log is one file (audit.jsonl) plus rotated predecessors (audit.jsonl.1 is the
// newest of those). When an append would take the file past the size limit (5 MiB by
// default) it is renamed to .1, .1 to .2 and so on; with the default of 3 files the
// oldest is dropped. Each append, with the rotation before it, holds an inter-process
// lock (audit.jsonl.lock, internal/filelock), so the app and any number of CLI runs
// never interleave lines or rotate under each other.
package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/filelock"
	"trustedapp-tester/internal/redact"
)

// Entry is one logged request.
type Entry struct {
	Time             time.Time `json:"time"`
	Profile          string    `json:"profile"`
	Kind             string    `json:"kind"` // "token" or "api"
	Method           string    `json:"method"`
	Endpoint         string    `json:"endpoint"`
	Status           int       `json:"status,omitempty"`
	ClientID         string    `json:"client_id,omitempty"`
	TokenFingerprint string    `json:"token_fingerprint,omitempty"`
	DurationMS       int64     `json:"duration_ms"`
	Error            string    `json:"error,omitempty"`
}

// Filter selects entries; zero values match everything.
type Filter struct {
	Profile string
	Since   time.Time
}

func (f Filter) match(e Entry) bool {
	if f.Profile != "" && e.Profile != f.Profile {
		return false
	}
	if !f.Since.IsZero() && e.Time.Before(f.Since) {
		return false
	}
	return true
}

// Default limits: the live file is rotated before it passes DefaultMaxBytes, and
// DefaultFiles files are kept in all (the live one plus rotated ones).
const (
	DefaultMaxBytes = 5 << 20
	DefaultFiles    = 3
	// EnvPath overrides DefaultPath.
	EnvPath = "TRUSTEDAPP_AUDIT"
	// FileName is the log's name in the data directory.
	FileName = "audit.jsonl"
)

// Log is the audit log file (plus rotated predecessors).
type Log struct {
	path     string
	mu       sync.Mutex
	maxBytes int64
	files    int
	corrupt  int
	// runsLog is the sibling file of run summaries (runs.go), made on first use.
	runsOnce sync.Once
	runsLog  *Log
}

// DefaultPath is the log in the user's data directory, or $TRUSTEDAPP_AUDIT:
// $XDG_DATA_HOME/trustedapp-tester (default ~/.local/share/...) on Linux and BSD,
// %LocalAppData%\TrustedAppTester on Windows, ~/Library/Application Support/
// TrustedAppTester on macOS.
func DefaultPath() (string, error) {
	if p := strings.TrimSpace(os.Getenv(EnvPath)); p != "" {
		return p, nil
	}
	return defaultPath(runtime.GOOS, os.Getenv, os.UserHomeDir)
}

func defaultPath(goos string, getenv func(string) string, home func() (string, error)) (string, error) {
	switch goos {
	case "windows":
		if d := getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "TrustedAppTester", FileName), nil
		}
		h, err := home()
		if err != nil {
			return "", fmt.Errorf("audit log: neither %%LocalAppData%% nor a home directory is set (set %s to choose a file): %w", EnvPath, err)
		}
		return filepath.Join(h, "AppData", "Local", "TrustedAppTester", FileName), nil
	case "darwin":
		h, err := home()
		if err != nil {
			return "", fmt.Errorf("audit log: no home directory (set %s to choose a file): %w", EnvPath, err)
		}
		return filepath.Join(h, "Library", "Application Support", "TrustedAppTester", FileName), nil
	default:
		if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
			return filepath.Join(d, "trustedapp-tester", FileName), nil
		}
		h, err := home()
		if err != nil {
			return "", fmt.Errorf("audit log: neither $XDG_DATA_HOME nor $HOME is set (set %s to choose a file): %w", EnvPath, err)
		}
		return filepath.Join(h, ".local", "share", "trustedapp-tester", FileName), nil
	}
}

// Open opens (creating if needed) the log at path, with the default limits.
func Open(path string) (*Log, error) {
	if strings.TrimSpace(path) == "" {
		return nil, fmt.Errorf("audit log: empty path (set %s or use the default)", EnvPath)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("audit log %s: cannot create its folder: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit log %s: cannot open for appending: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("audit log %s: %w", path, err)
	}
	return &Log{path: path, maxBytes: DefaultMaxBytes, files: DefaultFiles}, nil
}

// SetLimits changes the rotation size and the number of files kept (at least 1).
func (l *Log) SetLimits(maxBytes int64, files int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if maxBytes > 0 {
		l.maxBytes = maxBytes
	}
	if files > 0 {
		l.files = files
	}
	if r := l.runsLog; r != nil {
		r.SetLimits(maxBytes, files)
	}
}

// Path is the log file's path.
func (l *Log) Path() string { return l.path }

// Corrupt is the number of unreadable lines the last Entries or Export skipped.
func (l *Log) Corrupt() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.corrupt
}

// AppendReport appends one entry per token request and API call in r (the exchanges
// of its token and API steps), and the run's summary (see runs.go). The endpoint is
// the URL with secret query parameters redacted; the token appears only as its
// SHA-256 fingerprint.
func (l *Log) AppendReport(profile, clientID string, r check.Report) error {
	sum := check.Summarize(r)
	sum.Profile, sum.ClientID = profile, clientID
	return l.AppendReportSummary(r, sum)
}

// AppendReportSummary is AppendReport with the run's summary made by the caller (with
// the Trusted App record's checklist in it, say); the entries take the profile and
// client_id from it.
func (l *Log) AppendReportSummary(r check.Report, sum check.RunSummary) error {
	profile, clientID := sum.Profile, sum.ClientID
	fp := ""
	if r.Token != nil {
		fp = r.Token.Fingerprint
	}
	var es []Entry
	for _, s := range r.Steps {
		var kind string
		switch s.Kind {
		case check.StepToken:
			kind = "token"
		case check.StepAPI, check.StepIdentity: // a reference token's identity reads are API calls
			kind = "api"
		default:
			continue
		}
		for _, x := range s.Exchanges {
			e := Entry{
				Time:       x.Started,
				Profile:    profile,
				Kind:       kind,
				Method:     x.Method,
				Endpoint:   redact.Text(redact.URL(x.URL)),
				Status:     x.Status,
				ClientID:   clientID,
				DurationMS: x.Timings.Total.Milliseconds(),
				Error:      redact.Text(x.Error),
			}
			if e.Time.IsZero() {
				e.Time = r.Started
			}
			if e.Time.IsZero() {
				e.Time = time.Now()
			}
			e.Time = e.Time.UTC()
			// The token request's fingerprint is the token it produced, when it did.
			if kind == "api" || (x.Status >= 200 && x.Status < 300) {
				e.TokenFingerprint = fp
			}
			es = append(es, e)
		}
	}
	if err := l.append(es, r.Access.Reveal()); err != nil {
		return err
	}
	// What the run showed, for comparing runs later (History keeps both).
	return l.AppendRun(sum)
}

// Append adds entries as they are (after scrubbing), for callers that log a single
// call such as the API console's.
func (l *Log) Append(es ...Entry) error { return l.append(es, "") }

func (l *Log) append(es []Entry, rawToken string) error {
	if len(es) == 0 {
		return nil
	}
	known := redact.NewSecrets(rawToken)
	var buf bytes.Buffer
	for _, e := range es {
		redact.Strings(&e, known.Replace)
		b, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("audit log: %w", err)
		}
		buf.WriteString(redact.Text(known.Replace(string(b))))
		buf.WriteByte('\n')
	}
	return l.write(buf.Bytes())
}

// lockWait is how long an append waits for another process's append or rotation.
const lockWait = 5 * time.Second

// write appends whole JSON lines to the log, rotating it first when needed.
func (l *Log) write(data []byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	// Other processes (the app, any number of CLI runs) append and rotate too: the
	// inter-process lock makes each rotation and append whole (Wine's appends from
	// several handles were seen to interleave; rotation was never safe across them).
	lk, err := filelock.Exclusive(l.path+".lock", lockWait)
	if err != nil {
		return fmt.Errorf("audit log %s: another program is writing it: %w", l.path, err)
	}
	defer lk.Unlock()
	if err := l.rotateIfNeeded(int64(len(data))); err != nil {
		return err
	}
	f, err := os.OpenFile(l.path, os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("audit log %s: %w", l.path, err)
	}
	// A line cut short (a crash mid-write) must not swallow the next entry.
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, st.Size()-1); err == nil && last[0] != '\n' {
			data = append([]byte{'\n'}, data...)
		}
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr != nil {
		return fmt.Errorf("audit log %s: %w", l.path, werr)
	}
	if cerr != nil {
		return fmt.Errorf("audit log %s: %w", l.path, cerr)
	}
	return nil
}

func (l *Log) rotated(i int) string { return fmt.Sprintf("%s.%d", l.path, i) }

// rotateIfNeeded shifts the files when adding n bytes would pass the limit.
func (l *Log) rotateIfNeeded(n int64) error {
	st, err := os.Stat(l.path)
	if err != nil || st.Size() == 0 || st.Size()+n <= l.maxBytes {
		return nil
	}
	if l.files <= 1 {
		if err := os.Truncate(l.path, 0); err != nil {
			return fmt.Errorf("audit log %s: cannot truncate: %w", l.path, err)
		}
		return nil
	}
	_ = os.Remove(l.rotated(l.files - 1))
	for i := l.files - 2; i >= 1; i-- {
		if err := os.Rename(l.rotated(i), l.rotated(i+1)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("audit log %s: cannot rotate: %w", l.path, err)
		}
	}
	if err := os.Rename(l.path, l.rotated(1)); err != nil {
		return fmt.Errorf("audit log %s: cannot rotate: %w", l.path, err)
	}
	return nil
}

// Entries returns the matching entries, oldest first. Unreadable lines are skipped
// and counted (see Corrupt).
func (l *Log) Entries(f Filter) ([]Entry, error) {
	var out []Entry
	err := l.each(f, func(e Entry) error { out = append(out, e); return nil })
	return out, err
}

// Export writes the matching entries as JSON lines.
func (l *Log) Export(w io.Writer, f Filter) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if err := l.each(f, func(e Entry) error { return enc.Encode(e) }); err != nil {
		return err
	}
	return bw.Flush()
}

func (l *Log) each(f Filter, fn func(Entry) error) error {
	return l.eachLine(func(t []byte) error {
		var e Entry
		if jerr := json.Unmarshal(t, &e); jerr != nil || e.Time.IsZero() {
			l.corrupt++
		} else if f.match(e) {
			return fn(e)
		}
		return nil
	})
}

// eachLine calls fn with every non-empty line of the log, oldest file first.
func (l *Log) eachLine(fn func([]byte) error) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.corrupt = 0
	paths := make([]string, 0, l.files)
	for i := l.files - 1; i >= 1; i-- {
		paths = append(paths, l.rotated(i))
	}
	paths = append(paths, l.path)
	for _, p := range paths {
		fh, err := os.Open(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("audit log %s: %w", p, err)
		}
		err = l.readFile(fh, fn)
		fh.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func (l *Log) readFile(r io.Reader, fn func([]byte) error) error {
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadBytes('\n')
		if t := bytes.TrimSpace(line); len(t) > 0 {
			if ferr := fn(t); ferr != nil {
				return ferr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("audit log %s: %w", l.path, err)
		}
	}
}
