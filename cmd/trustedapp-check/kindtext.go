package main

import (
	"errors"
	"fmt"

	"trustedapp-tester/guide"
	"trustedapp-tester/internal/platform"
	"trustedapp-tester/profiles"
	"trustedapp-tester/report"
)

// Names the CLI's messages weave in, in the run's language: where this system keeps
// secrets (platform.Keychain in English) and what it keeps for a profile of each kind
// (profiles.Kind.SecretName in English).

// keychain names this system's keychain in the run's language.
func keychain() string { return guide.KeychainIn(lang.Localizer(), platform.Current()) }

// secretName is what the keychain holds for a profile of kind k, in the run's language.
func secretName(k profiles.Kind) string { return report.SecretNameIn(lang.Localizer(), k) }

// kindLabel names a profile kind in the run's language.
func kindLabel(k profiles.Kind) string { return report.KindLabelIn(lang.Localizer(), k) }

// secretErr says err, when it is that p has no stored credential
// (profiles.ErrSecretNotSet, worded by profiles in English), in the run's language and
// naming what p's kind keeps; other errors stay as they are. errors.Is still finds
// ErrSecretNotSet in it.
func secretErr(p profiles.Profile, err error) error {
	if !errors.Is(err, profiles.ErrSecretNotSet) {
		return err
	}
	return &notSetError{err: err, msg: fmt.Sprintf(lang.X("cli.secret_not_set", "no %s is set for profile %q: set it first (in the app, or with 'trustedapp-check profiles set-secret %s')"),
		secretName(p.KindOf()), p.Name, platform.Current().Quote(p.Name))}
}

type notSetError struct {
	err error
	msg string
}

func (e *notSetError) Error() string { return e.msg }
func (e *notSetError) Unwrap() error { return e.err }
