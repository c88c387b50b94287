package platform

import (
	"crypto/sha256"
	"encoding/base64"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

func TestEachSystemSaysItsOwn(t *testing.T) {
	win, mac, linux := Of("windows"), Of("darwin"), Of("linux")
	for _, c := range []struct{ what, got, want string }{
		{"keychain windows", win.Keychain(), "Windows Credential Manager"},
		{"keychain darwin", mac.Keychain(), "the macOS Keychain"},
		{"keychain linux", linux.Keychain(), "the Secret Service keyring"},
		{"keychain freebsd", Of("freebsd").Keychain(), "the Secret Service keyring"},
		{"shell windows", win.Shell(), "PowerShell"},
		{"env windows", win.Env("TRUSTEDAPP_STORE"), "$env:TRUSTEDAPP_STORE"},
		{"env linux", linux.Env("TRUSTEDAPP_STORE"), "$TRUSTEDAPP_STORE"},
		{"set env windows", win.SetEnv("TRUSTEDAPP_SECRET", "it's $x"), "$env:TRUSTEDAPP_SECRET = 'it''s $x'"},
		{"set env darwin", mac.SetEnv("TRUSTEDAPP_SECRET", "it's $x"), `export TRUSTEDAPP_SECRET='it'\''s $x'`},
		{"pipe windows", win.Pipe("error log.txt", "trustedapp-check explain"), `Get-Content "error log.txt" | trustedapp-check explain`},
		{"pipe linux", linux.Pipe("error log.txt", "trustedapp-check explain"), `trustedapp-check explain < 'error log.txt'`},
		{"hash windows", win.HashCommand("SECRET"), "[Convert]::ToBase64String([Security.Cryptography.SHA256]::Create().ComputeHash([Text.Encoding]::UTF8.GetBytes('SECRET')))"},
		{"hash linux", linux.HashCommand("SECRET"), "printf %s 'SECRET' | openssl dgst -sha256 -binary | base64"},
		{"quote windows", win.Quote("Sync $prod 100%"), "'Sync $prod 100%'"},
		{"quote darwin", mac.Quote("Win test"), "'Win test'"},
		{"bearer windows", win.BearerCall("trustedapp-check token prod", "https://acme.my.erp.net/api/domain/odata/Crm_Sales_Customers?$top=5"),
			`Invoke-RestMethod -Headers @{Authorization = "Bearer $(trustedapp-check token prod)"} 'https://acme.my.erp.net/api/domain/odata/Crm_Sales_Customers?$top=5'`},
		{"bearer linux", linux.BearerCall("trustedapp-check token prod", "https://acme.my.erp.net/api/domain/odata/Crm_Sales_Customers?$top=5"),
			`curl -H "Authorization: Bearer $(trustedapp-check token prod)" 'https://acme.my.erp.net/api/domain/odata/Crm_Sales_Customers?$top=5'`},
	} {
		if c.got != c.want {
			t.Errorf("%s: %s, want %s", c.what, c.got, c.want)
		}
	}
	if Current().GOOS() != runtime.GOOS || Keychain() != Of(runtime.GOOS).Keychain() {
		t.Error("Current does not follow this system")
	}
}

// TestPOSIXFormsRunInARealShell runs the POSIX one-liners in /bin/sh: the hash of
// "DEMO" (check.ApplicationSecretHash's documented example), a variable set and read,
// a file piped in, and a curl command line whose words reach the program whole.
func TestPOSIXFormsRunInARealShell(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX shell on Windows")
	}
	sh := Of("linux")
	run := func(line string) string {
		t.Helper()
		out, err := exec.Command("/bin/sh", "-c", line).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", line, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if _, err := exec.LookPath("openssl"); err == nil {
		if got := run(sh.HashCommand("DEMO")); got != "T/AGymuI51LwjLeIFxRQXOs9IHnupDKs/ajhWODR2C4=" {
			t.Errorf("the hash one-liner printed %q", got)
		}
		sum := sha256.Sum256([]byte("it's $x ü"))
		if got := run(sh.HashCommand("it's $x ü")); got != base64.StdEncoding.EncodeToString(sum[:]) {
			t.Errorf("the hash one-liner of a quote, a $ and a non-ASCII letter printed %q", got)
		}
	}
	if got := run(sh.SetEnv("TRUSTEDAPP_X", "it's $x") + "; printf %s " + `"` + sh.Env("TRUSTEDAPP_X") + `"`); got != "it's $x" {
		t.Errorf("the variable came back as %q", got)
	}
	if got := run(sh.Pipe("/etc/hostname", "wc -c")); got == "" || got == "0" {
		t.Errorf("the pipe read %q", got)
	}
	// curl is not run: a stand-in prints its arguments one a line.
	line := "curl() { for a in \"$@\"; do printf '%s\\n' \"$a\"; done; }; " + sh.BearerCall("echo tok"+"en", "https://h/x?$top=5")
	if got := run(line); got != "-H\nAuthorization: Bearer token\nhttps://h/x?$top=5" {
		t.Errorf("curl got %q", got)
	}
}
