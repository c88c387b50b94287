package main

import (
	"errors"
	"fmt"
	"time"

	"trustedapp-tester/internal/platform"
	"trustedapp-tester/profiles"
)

// profiles set-secret and rm-secret: a profile's client secret in the system keychain.

func parseSetSecret(e env) (*namesOptions, error) {
	o, err := parseNames("set-secret", 1, -1, "set-secret NAME [--store FILE] (the secret comes from stdin or a prompt)")(e)
	if err == nil && len(o.names) > 1 {
		err = usageErr("set-secret takes only the profile name: the secret is read from stdin or a no-echo prompt, never from the command line (where it would stay in shell history and the process list)")
	}
	return o, err
}

func setSecretRun(o *namesOptions) error {
	s, p, err := o.openProfile(o.names[0])
	if err != nil {
		return err
	}
	secret, err := readSecretInput(o.env, fmt.Sprintf("Client secret for %q (input hidden): ", p.Name), platform.Current().Pipe("secret.txt", "trustedapp-check profiles set-secret NAME"))
	if errors.Is(err, errSecretTooLong) {
		return usageErr("%v: it was not stored (nor truncated)", err)
	}
	if err != nil {
		return usageErr("%v", err)
	}
	err = profiles.SetProfileSecret(s, newSecrets(), p.Name, secret, time.Now())
	secret = ""
	var ku *profiles.KeyringUnavailableError
	if errors.As(err, &ku) {
		return &cliError{code: exitEnvironment, msg: err.Error(),
			detail: "The command line cannot keep a session-only secret between commands; the secret was not stored anywhere.\n"}
	}
	if err != nil {
		return storeErr(err)
	}
	fmt.Fprintf(o.stdout, "Stored the client secret for %q in %s (service %q).\n", p.Name, platform.Keychain(), profiles.KeyringService)
	return nil
}

func rmSecretRun(o *namesOptions) error {
	p, err := o.onProfile(o.names[0], profiles.DeleteProfileSecret)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.stdout, "Removed the client secret for %q from %s.\n", p.Name, platform.Keychain())
	return nil
}
