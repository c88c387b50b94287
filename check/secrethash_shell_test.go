package check

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/sentence"
	"trustedapp-tester/internal/testdir"
)

// The fix of a slip gives the one-liner of the user's shell: PowerShell's on Windows
// (never printf and openssl, which a Windows admin has not), the POSIX one elsewhere.
func TestSlipFixInTheUsersShell(t *testing.T) {
	const secret = "Tr1cky-Secret_2025"
	echoed := ApplicationSecretHash(secret + "\n")
	win := compareSecretHash(platform.Of("windows"), secret, echoed)
	if win.Slip == nil || !strings.HasSuffix(win.Slip.Fix, "in PowerShell, with the secret in place of SECRET: [Convert]::ToBase64String([Security.Cryptography.SHA256]::Create().ComputeHash([Text.Encoding]::UTF8.GetBytes('SECRET')))") ||
		strings.Contains(win.Slip.Fix, "printf") || strings.Contains(win.Slip.Fix, "openssl") {
		t.Errorf("windows: %+v", win)
	}
	for _, goos := range []string{"linux", "darwin"} {
		c := compareSecretHash(platform.Of(goos), secret, echoed)
		if c.Slip == nil || !strings.HasSuffix(c.Slip.Fix, "in a shell, with the secret in place of SECRET: printf %s 'SECRET' | openssl dgst -sha256 -binary | base64") || strings.Contains(c.Message, "[Convert]") {
			t.Errorf("%s: %+v", goos, c)
		}
	}
	if got, want := CompareSecretHash(secret, echoed).Message, compareSecretHash(platform.Current(), secret, echoed).Message; got != want {
		t.Errorf("CompareSecretHash does not follow this system: %s", got)
	}
}

// Windows PowerShell 5.1 writes a file with Out-File or > in UTF-16 with a
// byte-order mark, and Get-FileHash prints the hex of its hash in capitals.
func TestSlipOfAFileWindowsPowerShellWrote(t *testing.T) {
	const secret = "Tr1cky-Secret_2025"
	file := []byte{0xff, 0xfe}
	for _, u := range utf16.Encode([]rune(secret + "\r\n")) {
		file = append(file, byte(u), byte(u>>8))
	}
	sum := sha256.Sum256(file)
	for _, stored := range []string{strings.ToUpper(hex.EncodeToString(sum[:])), "SHA256          " + strings.ToUpper(hex.EncodeToString(sum[:])), base64.StdEncoding.EncodeToString(sum[:])} {
		c := CompareSecretHash(secret, stored)
		if c.State != SecretHashSlip || c.Slip.Code != "utf16" || !strings.Contains(c.Slip.Name, "Out-File") {
			t.Errorf("%s: %+v", stored, c)
		}
	}
}

// dotnetVectors were printed by .NET (Mono 6.8's System.Security.Cryptography and
// System.Text) for Convert.ToBase64String(SHA256.Create().ComputeHash(
// Encoding.UTF8.GetBytes(s))), the pipeline of PowerShell's one-liner.
var dotnetVectors = []struct{ secret, hash string }{
	{"DEMO", "T/AGymuI51LwjLeIFxRQXOs9IHnupDKs/ajhWODR2C4="},
	{"", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
	{`it's a "secret" $prod 100%`, "YxStKNpM6OtcFTIG5yBezlJVB1cSqPO2A99uQm+CZ6U="},
	{"Grüße ✓ 𝄞", "XjuVfj8ZaG7PRdPkkU1cbS2WDkP83HvKf+pbjnba+5A="},
	{"line\r\nbreak", "9ngcNOKC7WCsaHaC8U4Ppecvbrtw1zaSZI2Gx7Yy2VQ="},
}

// The PowerShell one-liner gives exactly ApplicationSecretHash: PowerShell reads the
// literal in it back as the secret, and .NET's pipeline (the string's UTF-16 code
// units encoded as UTF-8 without a byte-order mark, SHA-256, standard base64) hashes
// the same bytes as Go; .NET's own answers agree.
func TestPowerShellHashOneLinerIsTheHash(t *testing.T) {
	sys := platform.Of("windows")
	for _, v := range dotnetVectors {
		if got := ApplicationSecretHash(v.secret); got != v.hash {
			t.Errorf("%q: Go %s, .NET %s", v.secret, got, v.hash)
		}
	}
	for _, secret := range []string{"DEMO", "it's", "‘curly’ ’s", `a "b" $c ` + "`d`", "Grüße ✓ 𝄞", strings.Repeat("x", 2560)} {
		line := sys.HashCommand(secret)
		lit := strings.TrimSuffix(strings.TrimPrefix(line, "[Convert]::ToBase64String([Security.Cryptography.SHA256]::Create().ComputeHash([Text.Encoding]::UTF8.GetBytes("), ")))")
		if got := psLiteral(t, lit); got != secret {
			t.Errorf("%s reads back as %q, not %q", line, got, secret)
		}
		if got := dotnetHash(secret); got != ApplicationSecretHash(secret) {
			t.Errorf("%q: .NET's pipeline %s, ApplicationSecretHash %s", secret, got, ApplicationSecretHash(secret))
		}
	}
}

// TestDotNetAgreesWhereMonoIsInstalled runs the one-liner's .NET calls in Mono when
// its C# compiler is installed (apt-get install mono-mcs mono-runtime); elsewhere the
// vectors above, printed by it, stand for it.
func TestDotNetAgreesWhereMonoIsInstalled(t *testing.T) {
	mcs, err1 := exec.LookPath("mcs")
	mono, err2 := exec.LookPath("mono")
	if err1 != nil || err2 != nil {
		t.Skip("no Mono (mcs, mono): the recorded .NET vectors stand for it")
	}
	dir := testdir.New(t)
	src := filepath.Join(dir, "h.cs")
	prog := `using System; using System.IO; class P { static void Main(string[] a) {
  foreach (var s in File.ReadAllText(a[0], System.Text.Encoding.UTF8).Split('\u0001'))
    Console.WriteLine(Convert.ToBase64String(System.Security.Cryptography.SHA256.Create().ComputeHash(System.Text.Encoding.UTF8.GetBytes(s))));
}}`
	secrets := []string{"DEMO", "it's", "‘curly’", "Grüße ✓ 𝄞", "tab\there", strings.Repeat("ü", 1000)}
	if err := os.WriteFile(src, []byte(prog), 0o600); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "in.txt")
	if err := os.WriteFile(in, []byte(strings.Join(secrets, "\x01")), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(mcs, "-out:"+filepath.Join(dir, "h.exe"), src).CombinedOutput(); err != nil {
		t.Fatalf("mcs: %v\n%s", err, out)
	}
	out, err := exec.Command(mono, filepath.Join(dir, "h.exe"), in).Output()
	if err != nil {
		t.Fatalf("mono: %v", err)
	}
	got := strings.Fields(string(out))
	if len(got) != len(secrets) {
		t.Fatalf(".NET printed %q", out)
	}
	for i, s := range secrets {
		if got[i] != ApplicationSecretHash(s) {
			t.Errorf("%q: .NET %s, Go %s", s, got[i], ApplicationSecretHash(s))
		}
	}
}

// psLiteral reads a PowerShell single-quoted string: ' and the typographic single
// quotes delimit it, and each doubled stands for itself.
func psLiteral(t *testing.T, lit string) string {
	t.Helper()
	quote := func(r rune) bool { return strings.ContainsRune("'‘’‚‛", r) }
	rs := []rune(lit)
	if len(rs) < 2 || !quote(rs[0]) || !quote(rs[len(rs)-1]) {
		t.Fatalf("%s is not a single-quoted string", lit)
	}
	var b strings.Builder
	for i := 1; i < len(rs)-1; i++ {
		if quote(rs[i]) {
			if !quote(rs[i+1]) || i+1 == len(rs)-1 {
				t.Fatalf("%s ends early at %d", lit, i)
			}
			i++
		}
		b.WriteRune(rs[i])
	}
	return b.String()
}

// dotnetHash is the one-liner's pipeline as .NET runs it: the string is held as
// UTF-16 code units; Encoding.UTF8.GetBytes encodes them as UTF-8 (no byte-order
// mark; a lone surrogate becomes U+FFFD); then SHA-256 and standard base64.
func dotnetHash(s string) string {
	units := utf16.Encode([]rune(s))
	var b []byte
	for i := 0; i < len(units); i++ {
		r := rune(units[i])
		if utf16.IsSurrogate(r) {
			if i+1 < len(units) {
				if p := utf16.DecodeRune(r, rune(units[i+1])); p != utf8.RuneError {
					r, i = p, i+1
				} else {
					r = utf8.RuneError
				}
			} else {
				r = utf8.RuneError
			}
		}
		b = utf8.AppendRune(b, r)
	}
	sum := sha256.Sum256(b)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// Why a token stays in memory names the keychain once, as the system names it, also
// for an error that does not name it.
func TestVaultDownNoteNamesTheKeychainOnce(t *testing.T) {
	kc := platform.Keychain()
	if got := vaultDownNote(errors.New("boom")); got != kc+" cannot be used: boom" {
		t.Errorf("raw error: %q", got)
	}
	if got := vaultDownNote(errors.New(sentence.Capitalize(kc) + " is locked: unlock it.")); got != kc+" is locked: unlock it" {
		t.Errorf("named error: %q", got)
	}
}
