// Package audit keeps an append-only, size-bounded JSON-lines log of token requests
// and API calls: time, profile, endpoint, status, client_id, token fingerprint and
// duration. Never a secret or a whole token.
package audit

import (
	"io"
	"time"

	"trustedapp-tester/check"
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

// Log is the audit log file (plus rotated predecessors).
// (Placeholder: being written.)
type Log struct{ path string }

// DefaultPath is the log in the user's data directory, or $TRUSTEDAPP_AUDIT.
func DefaultPath() (string, error) { return "", nil }

// Open opens (creating if needed) the log at path.
func Open(path string) (*Log, error) { return &Log{path: path}, nil }

// RecordReport appends one entry per token request and API call in r.
func (l *Log) RecordReport(profile, clientID string, r check.Report) error { return nil }

// Entries returns the matching entries, oldest first.
func (l *Log) Entries(f Filter) ([]Entry, error) { return nil, nil }

// Export writes the matching entries as JSON lines.
func (l *Log) Export(w io.Writer, f Filter) error { return nil }

// Path is the log file's path.
func (l *Log) Path() string { return l.path }
