// Package platform is the one place that knows what the user's operating system
// calls things and how its shell reads the commands the tools print: the app's
// advice, the CLI's help and messages, the reports and the guide all ask it, so a
// Windows admin reads PowerShell and "Windows Credential Manager" where a Linux or
// macOS user reads sh and their keychain.
//
// The shell: on Windows, PowerShell, the shell Windows Terminal opens (Windows
// PowerShell 5.1 on every Windows, PowerShell 7 where installed); words are quoted so
// cmd.exe reads them too wherever one form suits both (internal/shellquote). On
// Linux, macOS and every other system, a POSIX shell (sh, bash, zsh).
//
// Current() is the system the program runs on; Of(goos) any other, so that tests on
// one system check what every system is told.
package platform

import (
	"runtime"
	"strings"

	"trustedapp-tester/internal/shellquote"
)

// System is an operating system as the user meets it: its shell and its names.
type System struct{ goos string }

// Current is the system this program runs on.
func Current() System { return Of(runtime.GOOS) }

// Of is the system named by a GOOS value ("windows", "darwin", "linux", ...).
func Of(goos string) System { return System{goos: goos} }

// GOOS is the system's GOOS value.
func (s System) GOOS() string { return s.goos }

// PowerShell reports whether commands are printed for PowerShell (on Windows).
func (s System) PowerShell() bool { return s.goos == "windows" }

// Shell names the shell the printed commands are for: "PowerShell" or "a POSIX
// shell (sh, bash, zsh)".
func (s System) Shell() string {
	if s.PowerShell() {
		return "PowerShell"
	}
	return "a POSIX shell (sh, bash, zsh)"
}

// Quote quotes one word of a command line (a profile name, a path) for the shell.
func (s System) Quote(word string) string {
	if s.PowerShell() {
		return shellquote.PowerShell(word)
	}
	return shellquote.POSIX(word)
}

// Env is how the shell reads an environment variable: $env:NAME or $NAME.
func (s System) Env(name string) string {
	if s.PowerShell() {
		return "$env:" + name
	}
	return "$" + name
}

// SetEnv is the command that sets an environment variable for the commands run after
// it in the same window: $env:NAME = 'value' or export NAME='value'.
func (s System) SetEnv(name, value string) string {
	if s.PowerShell() {
		return "$env:" + name + " = " + literal(s, value)
	}
	return "export " + name + "=" + literal(s, value)
}

// Pipe is command with a file's contents on its standard input: command < file in a
// POSIX shell; Get-Content file | command in PowerShell, which has no < (each line
// goes in with a line break after it, which the commands that read a secret or a
// token remove, and explain reads as the line breaks they are).
func (s System) Pipe(file, command string) string {
	if s.PowerShell() {
		return "Get-Content " + s.Quote(file) + " | " + command
	}
	return command + " < " + s.Quote(file)
}

// HashCommand is the one-liner that prints ApplicationSecretHash, base64 of the
// SHA-256 of the UTF-8 bytes of secret (a placeholder such as "SECRET", shown quoted
// so the user puts the secret in its place): printf piped to openssl and base64 in
// a POSIX shell; in PowerShell, .NET's SHA256 over the string's UTF-8 bytes
// (Get-FileHash hashes files and streams, never a string, and prints hex).
func (s System) HashCommand(secret string) string {
	if s.PowerShell() {
		return "[Convert]::ToBase64String([Security.Cryptography.SHA256]::Create().ComputeHash([Text.Encoding]::UTF8.GetBytes(" + literal(s, secret) + ")))"
	}
	return "printf %s " + literal(s, secret) + " | openssl dgst -sha256 -binary | base64"
}

// BearerCall is an HTTP GET of url with the access token that tokenCommand prints:
// curl in a POSIX shell; Invoke-RestMethod in PowerShell, where "curl" is
// Invoke-WebRequest under another name in Windows PowerShell 5.1. tokenCommand is
// a command line already quoted for this shell.
func (s System) BearerCall(tokenCommand, url string) string {
	if s.PowerShell() {
		return `Invoke-RestMethod -Headers @{Authorization = "Bearer $(` + tokenCommand + `)"} ` + s.Quote(url)
	}
	return `curl -H "Authorization: Bearer $(` + tokenCommand + `)" ` + s.Quote(url)
}

// Keychain names where the system keeps secrets, as its users know it, in the middle
// of a sentence: "Windows Credential Manager", "the macOS Keychain", "the Secret
// Service keyring" (GNOME Keyring, KWallet, KeePassXC). The code calls all three the
// keychain.
func (s System) Keychain() string {
	switch s.goos {
	case "windows":
		return "Windows Credential Manager"
	case "darwin", "ios":
		return "the macOS Keychain"
	}
	return "the Secret Service keyring"
}

// Keychain names this system's keychain (System.Keychain of Current).
func Keychain() string { return Current().Keychain() }

// literal is s as a string the shell reads without expanding anything: always in
// single quotes (a placeholder reads as one), with PowerShell's own string rules
// (not a program's argument: no command-line escapes).
func literal(s System, v string) string {
	if s.PowerShell() {
		return shellquote.PowerShellLiteral(v)
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}
