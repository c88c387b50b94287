package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/platform"
	"trustedapp-tester/profiles"
)

// What the commands read from stdin: a secret or a token piped in, or typed at a
// no-echo prompt. Never from an argument, where it would stay in shell history and
// the process list.

// readStdin reads at most limit bytes piped in for flag (--secret-stdin,
// --token-stdin); what names what to pipe in when nothing is there.
func readStdin(r io.Reader, flag, what string, limit int) ([]byte, error) {
	if r == nil {
		return nil, usageErr(lang.X("cli.input.nothing_on_stdin_pipe", "%s: nothing on stdin; pipe %s in"), flag, what)
	}
	b, err := io.ReadAll(io.LimitReader(r, int64(limit)))
	if err != nil {
		return nil, envErr(lang.X("cli.input.cannot_read_stdin", "%s: cannot read stdin: %v"), flag, err)
	}
	return b, nil
}

// readStdinSecret reads a secret from stdin (one trailing newline removed).
func readStdinSecret(r io.Reader) (string, error) {
	b, err := readStdin(r, "--secret-stdin", lang.X("cli.input.the_secret", "the secret"), profiles.MaxSecretBytes+3)
	if err != nil {
		return "", err
	}
	s := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	if s == "" {
		return "", usageErr(lang.X("cli.input.secret_stdin_stdin_was_empty", "--secret-stdin: stdin was empty; pipe the client secret in, e.g. %s"), platform.Current().Pipe("secret.txt", "trustedapp-check check PROFILE --secret-stdin"))
	}
	if len(s) > profiles.MaxSecretBytes {
		return "", usageErr(lang.X("cli.input.secret_stdin_secret_longer_than", "--secret-stdin: the secret is longer than %d bytes"), profiles.MaxSecretBytes)
	}
	return s, nil
}

// maxTokenBytes bounds a token read from stdin (ERP.net's JWTs are about 1 KB).
const maxTokenBytes = 64 << 10

// readStdinToken reads an access token piped in for --token-stdin; a leading
// "Bearer " (as copied from a request header) is dropped.
func readStdinToken(r io.Reader) (string, error) {
	b, err := readStdin(r, "--token-stdin", lang.X("cli.input.the_access_token", "the access token"), maxTokenBytes+1)
	if err != nil {
		return "", err
	}
	if len(b) > maxTokenBytes {
		return "", usageErr(lang.X("cli.input.token_stdin_more_than_kib", "--token-stdin: more than %d KiB on stdin; pipe only the access token"), maxTokenBytes>>10)
	}
	s := check.TrimBearer(string(b))
	if s == "" {
		return "", usageErr(lang.X("cli.input.token_stdin_stdin_was_empty", "--token-stdin: stdin was empty; pipe the access token in, e.g. %s"), platform.Current().Pipe("token.txt", "trustedapp-check check PROFILE --token-stdin"))
	}
	return s, nil
}

// errSecretTooLong refuses a secret over profiles.MaxSecretBytes on stdin.
var errSecretTooLong error = secretTooLong{}

// secretTooLong says its message in the run's language when it is printed.
type secretTooLong struct{}

func (secretTooLong) Error() string {
	return fmt.Sprintf(lang.X("cli.input.secret_on_stdin_longer_than", "the secret on stdin is longer than %d bytes, the most this tool stores on every system (Windows Credential Manager's limit)"), profiles.MaxSecretBytes)
}

// readSecretInput reads a secret from a no-echo prompt when stdin is a terminal, else
// from stdin (one trailing line break, LF or CRLF, removed). pipeHint shows how to
// pipe one in.
func readSecretInput(e env, prompt, pipeHint string) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, prompt)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf(lang.X("cli.input.cannot_read_secret_from_terminal", "cannot read the secret from the terminal: %v"), err)
		}
		if len(b) == 0 {
			return "", errors.New(lang.X("cli.input.no_secret_was_typed", "no secret was typed"))
		}
		return string(b), nil
	}
	if e.stdin == nil {
		return "", fmt.Errorf(lang.X("cli.input.no_secret_on_stdin_pipe", "no secret on stdin: pipe it in, e.g. %s"), pipeHint)
	}
	b, err := io.ReadAll(io.LimitReader(e.stdin, profiles.MaxSecretBytes+3))
	if err != nil {
		return "", fmt.Errorf(lang.X("cli.input.cannot_read_secret_from_stdin", "cannot read the secret from stdin: %v"), err)
	}
	s := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	if len(s) > profiles.MaxSecretBytes {
		return "", errSecretTooLong
	}
	if s == "" {
		return "", fmt.Errorf(lang.X("cli.input.no_secret_on_stdin_it", "no secret on stdin (it was empty): pipe the secret in, e.g. %s"), pipeHint)
	}
	return s, nil
}

// isTerminal reports whether stream (stdin, stdout or stderr) is a terminal.
func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
