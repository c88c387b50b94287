package ui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"time"

	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

// NewStore adapts a profiles.Store to the UI's ProfileStore.
func NewStore(s *profiles.Store) ProfileStore { return storeAdapter{s} }

type storeAdapter struct{ s *profiles.Store }

// List re-reads the file first, so profiles that another window or the
// trustedapp-check command added or changed show up.
func (a storeAdapter) List() ([]profiles.Profile, error) {
	if err := a.s.Reload(); err != nil {
		var ce *profiles.CorruptError
		if !errors.As(err, &ce) || !ce.Recovered {
			return nil, err
		}
	}
	return a.s.List(), nil
}

func (a storeAdapter) Add(p profiles.Profile) error {
	return a.change(func() error { return a.s.Add(p) })
}
func (a storeAdapter) Update(oldName string, p profiles.Profile) error {
	return a.change(func() error { return a.s.Update(oldName, p) })
}
func (a storeAdapter) Delete(name string) error {
	return a.change(func() error { return a.s.Delete(name) })
}
func (a storeAdapter) MarkSecretSet(name string, at time.Time) error {
	return a.change(func() error { return a.s.MarkSecretSet(name, at) })
}

// ChangedElsewhereError is a change refused because the profile file was changed by
// another window or the CLI since it was loaded. The store has been reloaded, so
// making the change again works and keeps the other edit.
type ChangedElsewhereError struct{ Err error }

func (e *ChangedElsewhereError) Error() string {
	return "Another Trusted App Tester window or the trustedapp-check command changed the profiles since they were loaded, so this change was not saved (nothing was lost). The current profiles have been loaded: make the change again."
}

func (e *ChangedElsewhereError) Unwrap() error { return e.Err }

// change runs one store mutation; on a conflict with another writer it reloads the
// store and says so, rather than overwriting the other edit.
func (a storeAdapter) change(f func() error) error {
	err := f()
	if errors.Is(err, profiles.ErrChangedOnDisk) {
		if rerr := a.s.Reload(); rerr == nil {
			return &ChangedElsewhereError{Err: err}
		}
	}
	return err
}

func (a storeAdapter) Export(w io.Writer, names []string) error {
	return a.s.Export(names, w)
}

// Import adds the bundle's profiles in one write, asking decide about each name that
// already exists ("Name (2)" for a copy).
func (a storeAdapter) Import(bundle []byte, decide func(name string) profiles.ConflictAction) (profiles.ImportResult, error) {
	var res profiles.ImportResult
	err := a.change(func() error {
		var err error
		res, err = a.s.Import(bytes.NewReader(bundle), func(p profiles.Profile) (profiles.ConflictAction, string) {
			return decide(p.Name), ""
		})
		return err
	})
	return res, err
}

// Recover brings back what still parses in a damaged store file, in one write.
func (a storeAdapter) Recover(damaged string) (profiles.ImportResult, error) {
	var res profiles.ImportResult
	err := a.change(func() error {
		var err error
		res, err = a.s.Recover(damaged)
		return err
	})
	return res, err
}

// NewSecrets adapts profiles.Secrets. When the keyring turns out to be unavailable,
// secrets fall back to session-only memory (never a file) and Persistent reports false.
func NewSecrets(s *profiles.Secrets) SecretStore { return &secretsAdapter{s: s} }

// OpenSecrets is the app's secret store: the OS keyring when it answers, else
// session-only memory. notice is "" with a keyring, else the sentence to show the user
// (the keyring problem's one-sentence fix).
func OpenSecrets() (store SecretStore, notice string) {
	s := profiles.NewSecrets()
	err := s.Available()
	if err == nil {
		return NewSecrets(s), ""
	}
	return &secretsAdapter{s: profiles.NewSessionSecrets(), reason: err}, KeyringNotice(err)
}

// KeyringNotice is what the user reads when secrets cannot go to the OS keyring: that
// they are kept for this session only, and the fix from the keyring error.
func KeyringNotice(err error) string { return sessionOnlyLead + keyringFix(err) }

const sessionOnlyLead = "Client secrets are kept in memory for this session only. "

// keyringFix is the keyring error's one-sentence fix (never a raw library error).
func keyringFix(err error) string {
	var ku *profiles.KeyringUnavailableError
	if errors.As(err, &ku) && ku.Message != "" {
		return ku.Message
	}
	return "The system keychain could not be used: check that it is running and unlocked, then restart the app."
}

type secretsAdapter struct {
	s        *profiles.Secrets
	mu       sync.Mutex
	fellBack bool
	reason   error // why the keyring is not used (nil while it is)
}

// Unavailable is the keyring problem's one-sentence fix ("" while secrets go to the
// keyring).
func (a *secretsAdapter) Unavailable() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.reason == nil {
		return ""
	}
	return keyringFix(a.reason)
}

func (a *secretsAdapter) Get(name string) (string, error) {
	v, err := a.s.Get(name)
	if errors.Is(err, profiles.ErrSecretNotSet) {
		return "", nil
	}
	return v, err
}

func (a *secretsAdapter) Set(name, secret string) error {
	err := a.s.Set(name, secret)
	var ku *profiles.KeyringUnavailableError
	if errors.As(err, &ku) {
		a.mu.Lock()
		a.fellBack = true
		a.reason = err
		a.mu.Unlock()
		return a.s.SetSession(name, secret)
	}
	return err
}

func (a *secretsAdapter) Delete(name string) error { return a.s.Delete(name) }

func (a *secretsAdapter) Persistent() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return !a.s.SessionOnly() && !a.fellBack
}

// SandboxStarter returns a StartSandbox func that starts one in-process sandbox with
// cfg on first use and returns its scenarios as profiles, and a stop func.
func SandboxStarter(cfg sandbox.Config) (start func(context.Context) ([]SandboxProfile, error), stop func()) {
	var (
		mu  sync.Mutex
		srv *sandbox.Server
	)
	start = func(context.Context) ([]SandboxProfile, error) {
		mu.Lock()
		defer mu.Unlock()
		if srv == nil {
			s, err := sandbox.Start(cfg)
			if err != nil {
				return nil, err
			}
			srv = s
		}
		return ScenarioProfiles(srv.Scenarios(), srv.CAFile()), nil
	}
	stop = func() {
		mu.Lock()
		defer mu.Unlock()
		if srv != nil {
			_ = srv.Close()
			srv = nil
		}
	}
	return start, stop
}

// ScenarioProfiles turns sandbox scenarios into profiles named "Sandbox: <name>".
func ScenarioProfiles(list []sandbox.Scenario, caFile string) []SandboxProfile {
	var out []SandboxProfile
	for _, sc := range list {
		p := profiles.Profile{
			Name:        "Sandbox: " + sc.Name,
			Environment: profiles.EnvSandbox,
			InstanceURL: sc.Instance,
			ClientID:    sc.ClientID,
			AuthMethod:  profiles.AuthMethod(sc.AuthMethod),
			Scopes:      strings.Fields(sc.Scope),
			Notes:       sc.Description,
			Sandbox:     true,
		}
		if sc.Authority != "" && strings.TrimRight(sc.Authority, "/") != strings.TrimRight(sc.Instance, "/")+"/id" {
			p.Authority = sc.Authority
		}
		if p.AuthMethod == "" {
			p.AuthMethod = profiles.AuthPost
		}
		p.TLS.CAFile = caFile
		for _, c := range sc.Calls {
			p.Calls = append(p.Calls, profiles.APICall{Method: c.Method, Path: c.Path, Body: c.Body})
		}
		if len(p.Calls) > 0 {
			p.Calls = append(profiles.DefaultCalls(), p.Calls...)
		}
		out = append(out, SandboxProfile{Profile: p, Secret: sc.ClientSecret, Description: sc.Description, Expect: sc.Expect})
	}
	return out
}

// keyringNotice is what to tell the user about s: "" when secrets are persistent,
// else that they are session-only and the keyring's fix.
func keyringNotice(s SecretStore) string {
	if s == nil || s.Persistent() {
		return ""
	}
	if n, ok := s.(interface{ Unavailable() string }); ok && n.Unavailable() != "" {
		return sessionOnlyLead + n.Unavailable()
	}
	return strings.TrimSpace(sessionOnlyLead)
}
