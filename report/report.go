// Package report renders a check.Report for people and programs: the CLI's text and
// versioned JSON, a Markdown diagnostics report for support tickets, and JUnit XML.
// Secrets never appear; tokens only as last 6 characters plus a SHA-256 fingerprint.
package report

import (
	"io"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/guide"
	"trustedapp-tester/profiles"
	"trustedapp-tester/tokenview"
)

// Schema versions the JSON document. Bump on any incompatible change.
const Schema = "trustedapp-tester/report/v1"

// Document is the JSON contract for automation (CLI --json, saved reports).
type Document struct {
	Schema      string           `json:"schema"`
	Tool        Tool             `json:"tool"`
	GeneratedAt time.Time        `json:"generated_at"`
	Profile     *Profile         `json:"profile,omitempty"`
	Verdict     check.Verdict    `json:"verdict"`
	Cancelled   bool             `json:"cancelled,omitempty"`
	StartedAt   time.Time        `json:"started_at"`
	FinishedAt  time.Time        `json:"finished_at"`
	DurationMS  int64            `json:"duration_ms"`
	Steps       []Step           `json:"steps"`
	Claims      *Claims          `json:"claims,omitempty"`
	Token       *check.TokenInfo `json:"token,omitempty"`
}

// Tool identifies the program and platform that produced the document.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	OS      string `json:"os"`
	Arch    string `json:"arch"`
}

// Profile is the profile as run, without its secret.
type Profile struct {
	Name            string   `json:"name"`
	Environment     string   `json:"environment,omitempty"`
	Instance        string   `json:"instance"`
	Authority       string   `json:"authority"`
	ClientID        string   `json:"client_id"`
	AuthMethod      string   `json:"auth_method"`
	ScopesRequested []string `json:"scopes_requested,omitempty"`
}

// Step is one step with its findings (each with its explanation) and exchanges.
type Step struct {
	Kind       check.StepKind   `json:"kind"`
	Name       string           `json:"name"`
	Verdict    check.Verdict    `json:"verdict"`
	Summary    string           `json:"summary,omitempty"`
	DurationMS int64            `json:"duration_ms"`
	Findings   []Finding        `json:"findings,omitempty"`
	Exchanges  []check.Exchange `json:"exchanges,omitempty"`
}

// Finding is a check.Finding with its explanation.
type Finding struct {
	Code        string             `json:"code"`
	Severity    check.Severity     `json:"severity"`
	Message     string             `json:"message"`
	Evidence    map[string]string  `json:"evidence,omitempty"`
	Explanation *guide.Explanation `json:"explanation,omitempty"`
}

// SystemUser is the identity the token acts as.
type SystemUser struct {
	Login string `json:"login,omitempty"`
	Type  string `json:"type,omitempty"`
	ID    string `json:"id,omitempty"`
}

// Claims is the decoded token as the JSON contract shows it.
type Claims struct {
	SystemUser        SystemUser        `json:"system_user"`
	ClientID          string            `json:"client_id,omitempty"`
	Database          string            `json:"database,omitempty"`
	Issuer            string            `json:"issuer,omitempty"`
	Audiences         []string          `json:"audiences,omitempty"`
	ScopesRequested   []string          `json:"scopes_requested"`
	ScopesGranted     []string          `json:"scopes_granted"`
	IssuedAt          *time.Time        `json:"issued_at,omitempty"`
	ExpiresAt         *time.Time        `json:"expires_at,omitempty"`
	SignatureVerified bool              `json:"signature_verified"`
	Signature         string            `json:"signature"`
	Kid               string            `json:"kid,omitempty"`
	Kind              tokenview.Kind    `json:"kind"`
	All               []tokenview.Claim `json:"all,omitempty"`
}

// Build makes the document for one run of profile p.
// (Placeholder: being written.)
func Build(r check.Report, p profiles.Profile) Document {
	return Document{Schema: Schema, Verdict: r.Verdict}
}

// WriteJSON writes d as indented JSON.
func WriteJSON(w io.Writer, d Document) error { return nil }

// WriteText writes the human-readable report (explanations under failing steps).
func WriteText(w io.Writer, d Document) error { return nil }

// WriteMarkdown writes the diagnostics report for a support ticket.
func WriteMarkdown(w io.Writer, d Document) error { return nil }

// WriteJUnit writes one testsuite per document, one testcase per step.
func WriteJUnit(w io.Writer, docs []Document) error { return nil }
