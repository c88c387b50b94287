package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/sentence"
	"trustedapp-tester/profiles"
)

// profiles set-secret and rm-secret: a profile's client secret in the system keychain.

func parseSetSecret(e env) (*namesOptions, error) {
	o, err := parseNames("set-secret", 1, -1, lang.X("cli.profiles.set_secret_usage", "set-secret NAME [--store FILE] (the secret comes from stdin or a prompt)"))(e)
	if err == nil && len(o.names) > 1 {
		err = usageErr("%s", lang.X("cli.profiles_secret.set_secret_takes_only_profile", "set-secret takes only the profile name: the secret is read from stdin or a no-echo prompt, never from the command line (where it would stay in shell history and the process list)"))
	}
	return o, err
}

func setSecretRun(o *namesOptions) error {
	s, p, err := o.openProfile(o.names[0])
	if err != nil {
		return err
	}
	k := p.KindOf()
	what := secretName(k)
	secret, err := readSecretInput(o.env, fmt.Sprintf(lang.X("cli.profiles_secret.secret_input_hidden", "%s for %q (input hidden): "), sentence.Capitalize(what), p.Name), platform.Current().Pipe("secret.txt", "trustedapp-check profiles set-secret NAME"))
	if errors.Is(err, errSecretTooLong) {
		return usageErr(lang.X("cli.profiles_secret.it_was_not_stored_nor", "%v: it was not stored (nor truncated)"), err)
	}
	if err != nil {
		return usageErr("%v", err)
	}
	if k == profiles.KindReferenceToken {
		secret = check.TrimBearer(secret)
		if !strings.HasPrefix(secret, "enrt_") {
			secret = ""
			return usageErr("%s", lang.X("cli.profiles_secret.not_enrt", "a reference-token profile keeps an ERP.net reference token, which starts with enrt_ (as ERP.net showed it once when it was made): it was not stored"))
		}
	}
	err = profiles.SetProfileSecret(s, newSecrets(), p.Name, secret, time.Now())
	secret = ""
	var ku *profiles.KeyringUnavailableError
	if errors.As(err, &ku) {
		return &cliError{code: exitEnvironment, msg: err.Error(),
			detail: lang.X("cli.profiles_secret.session_only", "The command line cannot keep a session-only secret between commands; the secret was not stored anywhere.\n")}
	}
	if err != nil {
		return storeErr(err)
	}
	fmt.Fprintf(o.stdout, lang.X("cli.profiles_secret.stored", "Stored the %s for %q in %s (service %q).\n"), what, p.Name, keychain(), profiles.KeyringService)
	return nil
}

func rmSecretRun(o *namesOptions) error {
	p, err := o.onProfile(o.names[0], profiles.DeleteProfileSecret)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.stdout, lang.X("cli.profiles_secret.removed", "Removed the %s for %q from %s.\n"), secretName(p.StoredKind()), p.Name, keychain())
	return nil
}
