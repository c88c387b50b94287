package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/internal/platform"
	"trustedapp-tester/sandbox"
)

// allHelp is every help text as written: the commands' and the top level's (helpFor,
// each made here in English, and in any language a test ran in before), and the
// sandbox's.
func allHelp() []string {
	spoken.Store(nil)
	for _, usage := range []func() string{mainUsage, checkUsage, tokenUsage, recordUsage, secretUsage, explainUsage, diffUsage, watchUsage, profilesUsage} {
		usage()
	}
	return append(helpSources(), sandboxUsage()+sandbox.ConfigFileHelp)
}

// A Windows admin reads the help in PowerShell's words and Windows' names; a Linux
// or macOS user in a POSIX shell's and their keychain's.
func TestHelpInTheUsersShell(t *testing.T) {
	if n := len(allHelp()); n < 9 {
		t.Fatalf("only %d help texts are made for the user's shell", n)
	}
	render := func(goos string) string {
		var b strings.Builder
		for _, h := range allHelp() {
			b.WriteString(forShell(platform.Of(goos), h))
		}
		return b.String()
	}
	win, linux, mac := render("windows"), render("linux"), render("darwin")
	for _, want := range []string{
		`Invoke-RestMethod -Headers @{Authorization = "Bearer $(trustedapp-check token prod)"} 'https://acme.my.erp.net/api/domain/odata/Crm_Sales_Customers?$top=5'`,
		"(default: $env:TRUSTEDAPP_STORE or the user config directory)", "$env:TRUSTEDAPP_AUDIT",
		"Get-Content error.txt | trustedapp-check explain [--json]",
		"from Windows Credential Manager", "secret or Windows Credential Manager problem",
	} {
		if !strings.Contains(win, want) {
			t.Errorf("windows: no %q", want)
		}
	}
	for _, posix := range []string{"curl -H", "$TRUSTEDAPP", "< error.txt", "printf", "openssl", "keychain", "keyring"} {
		if strings.Contains(strings.ToLower(win), strings.ToLower(posix)) {
			i := strings.Index(strings.ToLower(win), strings.ToLower(posix))
			t.Errorf("windows: %q in %q", posix, win[max(0, i-80):min(len(win), i+80)])
		}
	}
	for _, want := range []string{
		`curl -H "Authorization: Bearer $(trustedapp-check token prod)" 'https://acme.my.erp.net/api/domain/odata/Crm_Sales_Customers?$top=5'`,
		"(default: $TRUSTEDAPP_STORE or the user config directory)", "$TRUSTEDAPP_AUDIT", "trustedapp-check explain [--json] < error.txt",
		"from the Secret Service keyring",
	} {
		if !strings.Contains(linux, want) {
			t.Errorf("linux: no %q", want)
		}
	}
	if !strings.Contains(mac, "from the macOS Keychain") || strings.Contains(mac, "Secret Service") {
		t.Error("macOS: its keychain is not named")
	}
	for goos, text := range map[string]string{"windows": win, "linux": linux, "darwin": mac} {
		for _, never := range []string{"system keychain", "{env:", "{pipe:", "{bearer:", "{keychain}", "{Keychain}"} {
			if strings.Contains(text, never) {
				t.Errorf("%s: %q in the help", goos, never)
			}
		}
		if goos != "windows" && (strings.Contains(text, "$env:") || strings.Contains(text, "Invoke-RestMethod") || strings.Contains(text, "Get-Content")) {
			t.Errorf("%s: PowerShell in the help", goos)
		}
	}
}

// Every command's --help, as the CLI prints it here, has its placeholders filled.
func TestEveryHelpIsFilledIn(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"check", "--help"}, {"token", "--help"}, {"record", "--help"}, {"secret", "--help"},
		{"explain", "--help"}, {"diff", "--help"}, {"watch", "--help"}, {"profiles", "--help"}, {"profiles", "list", "-h"}, {"sandbox", "--help"}} {
		var out, errb bytes.Buffer
		run(env{ctx: context.Background(), args: args, stdin: strings.NewReader(""), stdout: &out, stderr: &errb})
		text := out.String() + errb.String()
		if len(text) < 100 || placeholder.MatchString(text) || strings.Contains(text, "system keychain") {
			t.Errorf("%v printed %q", args, text)
		}
		if !strings.Contains(text, platform.Current().Keychain()) && args[0] != "explain" && args[0] != "sandbox" && len(args) < 3 {
			t.Errorf("%v does not name %s", args, platform.Current().Keychain())
		}
	}
}

// The Bulgarian help is made for the user's shell too: a translation keeps the
// placeholders, and the keychain is named by its system in Bulgarian.
func TestBulgarianHelpInTheUsersShell(t *testing.T) {
	spoken.Store(i18n.For("bg"))
	defer spoken.Store(nil)
	for _, usage := range []func() string{mainUsage, checkUsage, tokenUsage, recordUsage, secretUsage, explainUsage, diffUsage, watchUsage, profilesUsage} {
		usage()
	}
	var bg []string
	for _, h := range helpSources() {
		if strings.Contains(h, "Използване") {
			bg = append(bg, h)
		}
	}
	if len(bg) < 9 {
		t.Fatalf("only %d Bulgarian help texts", len(bg))
	}
	render := func(goos string) string {
		var b strings.Builder
		for _, h := range bg {
			b.WriteString(forShell(platform.Of(goos), h))
		}
		return b.String()
	}
	win, linux, mac := render("windows"), render("linux"), render("darwin")
	for goos, c := range map[string]struct {
		text       string
		want, nots []string
	}{
		"windows": {win, []string{"Invoke-RestMethod -Headers", "$env:TRUSTEDAPP_STORE", "$env:TRUSTEDAPP_AUDIT", "Get-Content error.txt | trustedapp-check explain [--json]",
			"от Windows Credential Manager", "тайната или Windows Credential Manager"}, []string{"curl -H", "$TRUSTEDAPP", "< error.txt", "Secret Service"}},
		"linux": {linux, []string{`curl -H "Authorization: Bearer $(trustedapp-check token prod)"`, "$TRUSTEDAPP_STORE", "trustedapp-check explain [--json] < error.txt",
			"от хранилището за пароли Secret Service"}, []string{"$env:", "Invoke-RestMethod", "Get-Content", "Windows Credential Manager"}},
		"darwin": {mac, []string{"от Keychain на macOS"}, []string{"Secret Service", "$env:"}},
	} {
		for _, w := range c.want {
			if !strings.Contains(c.text, w) {
				t.Errorf("%s: no %q", goos, w)
			}
		}
		for _, n := range append(c.nots, "{env:", "{pipe:", "{bearer:", "{keychain}", "{Keychain}", "keychain", "the Secret Service keyring") {
			if strings.Contains(c.text, n) {
				i := strings.Index(c.text, n)
				t.Errorf("%s: %q in %q", goos, n, c.text[max(0, i-80):min(len(c.text), i+80)])
			}
		}
	}
}
