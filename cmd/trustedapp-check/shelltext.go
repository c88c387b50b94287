package main

import (
	"regexp"
	"sort"
	"strings"
	"sync"

	"trustedapp-tester/guide"
	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/sentence"
)

// The help texts name what differs per system through placeholders, filled in for
// the system the CLI runs on (internal/platform) when the text is made:
//
//	{env:NAME}           an environment variable: $NAME, or $env:NAME in PowerShell
//	{pipe:FILE:COMMAND}  COMMAND reading FILE on stdin: COMMAND < FILE, or
//	                     Get-Content FILE | COMMAND in PowerShell (which has no <)
//	{bearer:COMMAND}     an API call with the token COMMAND prints: curl, or
//	                     Invoke-RestMethod in PowerShell
//	{keychain}           where secrets are kept: Windows Credential Manager, the
//	                     macOS Keychain, the Secret Service keyring; {Keychain}
//	                     starts a sentence
//
// so a Windows admin reads PowerShell, and a Linux or macOS user a POSIX shell.

// placeholder matches the placeholders above (not {methods} or {instance}).
var placeholder = regexp.MustCompile(`\{(env|pipe|bearer|keychain|Keychain)(?::([^{}]*))?\}`)

// exampleCall is the API call the help's examples make.
const exampleCall = "https://acme.my.erp.net/api/domain/odata/Crm_Sales_Customers?$top=5"

// helpWritten are the help texts as written (in each language a run spoke), for the
// tests that make them for every system: a set, as a usage is made each time it is
// shown.
var (
	helpMu      sync.Mutex
	helpWritten = map[string]bool{}
)

// helpFor is a help text as written, in the run's language (lang.X, so a translation
// keeps the placeholders), made for the system the CLI runs on.
func helpFor(text string) string {
	helpMu.Lock()
	helpWritten[text] = true
	helpMu.Unlock()
	return forShell(platform.Current(), text)
}

// helpSources lists the help texts made so far, as written.
func helpSources() []string {
	helpMu.Lock()
	defer helpMu.Unlock()
	out := make([]string, 0, len(helpWritten))
	for t := range helpWritten {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// forShell fills text's placeholders for sys, naming its keychain in the run's
// language.
func forShell(sys platform.System, text string) string {
	return placeholder.ReplaceAllStringFunc(text, func(m string) string {
		p := placeholder.FindStringSubmatch(m)
		switch p[1] {
		case "env":
			return sys.Env(p[2])
		case "pipe":
			file, command, _ := strings.Cut(p[2], ":")
			return sys.Pipe(file, command)
		case "bearer":
			return sys.BearerCall(p[2], exampleCall)
		case "keychain":
			return guide.KeychainIn(lang.Localizer(), sys)
		}
		return sentence.Capitalize(guide.KeychainIn(lang.Localizer(), sys))
	})
}
