package check

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"os/exec"
	"strings"
	"testing"

	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

func TestApplicationSecretHash(t *testing.T) {
	// The test vector of erpnet-reference.md (printf DEMO | openssl dgst -sha256 -binary | base64).
	if got := ApplicationSecretHash("DEMO"); got != "T/AGymuI51LwjLeIFxRQXOs9IHnupDKs/ajhWODR2C4=" {
		t.Fatalf("ApplicationSecretHash(DEMO) = %s", got)
	}
	// The sandbox keeps its own copy (it imports nothing of ours): both must agree.
	for _, s := range []string{"", "x", "b@sic+auth:50%/secret", "ünïcødé 秘密", strings.Repeat("a", 2560)} {
		if ApplicationSecretHash(s) != sandbox.HashSecret(s) {
			t.Errorf("check and sandbox hash %q differently", s)
		}
	}
}

// Every slip the detector knows, each made the way the slip is made, must be named.
func TestCompareSecretHashNamesTheSlip(t *testing.T) {
	const secret = "Tr1cky-Secret_2025"
	sum := func(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }
	std := func(s string) string { return base64.StdEncoding.EncodeToString(sum(s)) }
	hx := func(s string) string { return hex.EncodeToString(sum(s)) }
	utf16le := func(s string) string {
		var b []byte
		for _, r := range s {
			b = append(b, byte(r), 0)
		}
		return base64.StdEncoding.EncodeToString(sum(string(b)))
	}
	s1 := sha1.Sum([]byte(secret))
	for _, tc := range []struct {
		name, stored, code string
	}{
		{"echo", std(secret + "\n"), "trailing_newline"},
		{"notepad CRLF", std(secret + "\r\n"), "crlf"},
		{"trailing space", std(secret + " "), "spaces"},
		{"leading space", std(" " + secret), "spaces"},
		{"spaces around", std(" " + secret + " "), "spaces"},
		{"BOM", std("\ufeff" + secret), "bom"},
		{"hex lower", hx(secret), "hex"},
		{"hex upper", strings.ToUpper(hx(secret)), "hex"},
		{"sha256sum output pasted", hx(secret) + "  -", "hex"},
		{"openssl text pasted", "SHA2-256(stdin)= " + hx(secret), "hex"},
		{"echo | sha256sum", hx(secret + "\n"), "hex_trailing_newline"},
		{"openssl without -binary | base64", base64.StdEncoding.EncodeToString([]byte("SHA2-256(stdin)= " + hx(secret) + "\n")), "base64_of_hex"},
		{"old openssl without -binary | base64", base64.StdEncoding.EncodeToString([]byte("(stdin)= " + hx(secret) + "\n")), "base64_of_hex"},
		{"base64url", base64.RawURLEncoding.EncodeToString(sum(secret)), "base64url"},
		{"padding dropped", strings.TrimRight(std(secret), "="), "unpadded"},
		{"hash pasted with a newline", std(secret) + "\n", "hash_whitespace"},
		{".NET Encoding.Unicode", utf16le(secret), "utf16"},
		{"SHA-1", base64.StdEncoding.EncodeToString(s1[:]), "other_algorithm"},
		{"the secret itself", secret, "plain_secret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := CompareSecretHash(secret, tc.stored)
			if c.State != SecretHashSlip || c.Slip == nil || c.Slip.Code != tc.code {
				t.Fatalf("state %s slip %+v, want slip %s", c.State, c.Slip, tc.code)
			}
			if c.Want != ApplicationSecretHash(secret) || c.Slip.Name == "" || c.Slip.Fix == "" || !strings.HasPrefix(c.Message, strings.ToUpper(c.Slip.Name[:1])) {
				t.Errorf("comparison %+v", c)
			}
			if strings.Contains(c.Message+c.Slip.Fix+c.Stored, secret) {
				t.Errorf("the secret leaked into the comparison: %+v", c)
			}
		})
	}

	// The profile holds the record's hash as its "secret".
	h := ApplicationSecretHash("real-secret")
	if c := CompareSecretHash(h, h); c.State != SecretHashSlip || c.Slip == nil || c.Slip.Code != "hash_as_secret" || c.Stored != h {
		t.Errorf("hash as secret: %+v", c)
	}
	// The profile's secret carries a trailing newline the record's has not.
	if c := CompareSecretHash(secret+"\n", std(secret)); c.Slip == nil || c.Slip.Code != "profile_whitespace" {
		t.Errorf("profile whitespace: %+v", c)
	}
}

func TestCompareSecretHashOtherOutcomes(t *testing.T) {
	if c := CompareSecretHash("s3cret-value", ApplicationSecretHash("s3cret-value")); c.State != SecretHashMatch || c.Slip != nil {
		t.Errorf("match: %+v", c)
	}
	if c := CompareSecretHash("s3cret-value", ""); c.State != SecretHashEmpty || !strings.Contains(c.Message, ApplicationSecretHash("s3cret-value")) {
		t.Errorf("empty: %+v", c)
	}
	rotated := CompareSecretHash("old-secret-2024", ApplicationSecretHash("new-secret-2025"))
	if rotated.State != SecretHashDifferent || rotated.Slip != nil || !strings.Contains(rotated.Message, "rotated") || strings.Contains(rotated.Message, "does not even hold") {
		t.Errorf("rotated: %+v", rotated)
	}
	if c := CompareSecretHash("old-secret-2024", "typed by hand"); !strings.Contains(c.Message, "does not even hold a base64 SHA-256") {
		t.Errorf("not a hash: %+v", c)
	}
	if c := CompareSecretHash(ApplicationSecretHash("x"), ApplicationSecretHash("y")); !strings.Contains(c.Message, "the profile needs the secret, not its hash") {
		t.Errorf("a hash in the profile: %+v", c)
	}
}

// The slips as the real tools make them: echo, printf, sha256sum and openssl without
// -binary, run as processes. Skipped where those tools are missing (Windows).
func TestCompareSecretHashAgainstRealTools(t *testing.T) {
	for _, tool := range []string{"sh", "openssl", "sha256sum", "base64"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	const secret = "Real-Tool-Secret-42"
	sh := func(t *testing.T, script string) string {
		t.Helper()
		out, err := exec.Command("sh", "-c", script).Output()
		if err != nil {
			t.Fatalf("%s: %v", script, err)
		}
		return strings.TrimSpace(string(out))
	}
	if got := sh(t, "printf %s '"+secret+"' | openssl dgst -sha256 -binary | base64"); CompareSecretHash(secret, got).State != SecretHashMatch {
		t.Fatalf("the documented command does not match: %s", got)
	}
	for _, tc := range []struct{ script, code string }{
		{"echo '" + secret + "' | openssl dgst -sha256 -binary | base64", "trailing_newline"},
		{"printf '%s\\r\\n' '" + secret + "' | openssl dgst -sha256 -binary | base64", "crlf"},
		{"printf %s '" + secret + "' | sha256sum", "hex"},
		{"echo '" + secret + "' | sha256sum | cut -d' ' -f1", "hex_trailing_newline"},
		{"printf %s '" + secret + "' | openssl dgst -sha256 | base64 -w0", "base64_of_hex"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			stored := sh(t, tc.script)
			if c := CompareSecretHash(secret, stored); c.Slip == nil || c.Slip.Code != tc.code {
				t.Errorf("%s -> %q: %+v, want %s", tc.script, stored, c, tc.code)
			}
		})
	}
}

func TestNewClientSecret(t *testing.T) {
	seen := map[string]bool{}
	chars := map[rune]bool{}
	for i := 0; i < 1000; i++ {
		s, err := NewClientSecret()
		if err != nil {
			t.Fatal(err)
		}
		if len(s) != NewSecretLength || seen[s] {
			t.Fatalf("secret %q: length %d, repeated %v", s, len(s), seen[s])
		}
		seen[s] = true
		for _, r := range s {
			if !strings.ContainsRune(secretAlphabet, r) {
				t.Fatalf("secret %q has %q, outside letters and digits", s, r)
			}
			chars[r] = true
		}
	}
	// 40,000 draws from 62 characters: every one appears (missing one by chance has a
	// probability below 1e-250).
	if len(chars) != len(secretAlphabet) {
		t.Errorf("only %d of %d characters ever drawn", len(chars), len(secretAlphabet))
	}
}

// The checklist row, against the sandbox: each slip scenario's record read with the
// healthy app's token names its slip; the rotated secret is "another secret".
func TestSecretHashRowFromSandbox(t *testing.T) {
	s, hp, rep := healthyToken(t)
	read := func(t *testing.T, name string) (*TrustedAppRecord, string) {
		t.Helper()
		sc, ok := s.Scenario(name)
		if !ok {
			t.Fatalf("no scenario %s", name)
		}
		res := ReadRecord(context.Background(), hp, rep.Access, sc.ClientID, fresh())
		if res.Record == nil {
			t.Fatalf("%s: record not read: %s", name, res.Problem)
		}
		return res.Record, sc.ClientSecret
	}
	for _, tc := range []struct {
		scenario string
		state    RecordState
		code     string
		note     string
	}{
		{"healthy", RecordOK, "", ""},
		{"secret-newline", RecordBad, "trailing_newline", "echo adds one"},
		{"secret-crlf", RecordBad, "crlf", "CRLF"},
		{"secret-spaces", RecordBad, "spaces", "spaces around it"},
		{"secret-hex", RecordBad, "hex", "hex instead of base64"},
		{"rotated-secret", RecordBad, "", "the secret was rotated"},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			rec, secret := read(t, tc.scenario)
			row, cmp := SecretHashRow(rec, secret)
			if row.Field != "ApplicationSecretHash" || row.State != tc.state || cmp == nil || !strings.Contains(row.Note, tc.note) || row.Want != ApplicationSecretHash(secret) {
				t.Fatalf("%s: row %+v, comparison %+v", tc.scenario, row, cmp)
			}
			if got := ""; cmp.Slip != nil {
				got = cmp.Slip.Code
				if got != tc.code {
					t.Errorf("%s: slip %s, want %s", tc.scenario, got, tc.code)
				}
			} else if tc.code != "" {
				t.Errorf("%s: no slip named, want %s", tc.scenario, tc.code)
			}
			if strings.Contains(row.Actual+row.Want+row.Note, secret) {
				t.Errorf("%s: the secret is in the row: %+v", tc.scenario, row)
			}
		})
	}

	// Not read: the row shows the hash the record must hold, ready to copy.
	row, cmp := SecretHashRow(nil, "some-secret-value")
	if row.State != RecordUnknown || row.Actual != "not read" || row.Want != ApplicationSecretHash("some-secret-value") || cmp != nil || !strings.Contains(row.Note, "ready to copy") {
		t.Errorf("unread row %+v", row)
	}
	// No secret known: nothing to compare, and nothing pretends to be a hash.
	rec, _ := read(t, "healthy")
	row, cmp = SecretHashRow(rec, "")
	if row.State != RecordUnknown || cmp != nil || row.Actual != *rec.ApplicationSecretHash || !strings.Contains(row.Note, "holds no secret") {
		t.Errorf("no-secret row %+v", row)
	}
	// An instance that does not send the field.
	rec.ApplicationSecretHash = nil
	if row, _ := SecretHashRow(rec, "x-secret"); row.State != RecordUnknown || row.Actual != "not sent" {
		t.Errorf("unsent field row %+v", row)
	}
	empty := ""
	rec.ApplicationSecretHash = &empty
	if row, _ := SecretHashRow(rec, ""); row.State != RecordBad || row.Actual != "empty" {
		t.Errorf("empty field, no secret: %+v", row)
	}
	if row, _ := SecretHashRow(rec, "x-secret"); row.State != RecordBad || row.Actual != "empty" || !strings.Contains(row.Note, "no secret") {
		t.Errorf("empty field: %+v", row)
	}
}

// The ApplicationSecretHash row goes after ClientType, or last in a list without it.
func TestWithSecretHashRow(t *testing.T) {
	row := RecordCheck{Field: "ApplicationSecretHash"}
	names := func(rows []RecordCheck) string {
		var out []string
		for _, r := range rows {
			out = append(out, r.Field)
		}
		return strings.Join(out, " ")
	}
	list := RecordChecklist(profiles.Profile{ClientID: "com.acme/x"}, nil, "")
	if got := names(WithSecretHashRow(list, row)); !strings.HasPrefix(got, "ApplicationUri IsEnabled ClientType ApplicationSecretHash SystemUserAllowed") {
		t.Errorf("order %s", got)
	}
	if got := names(WithSecretHashRow([]RecordCheck{{Field: "Scope"}}, row)); got != "Scope ApplicationSecretHash" {
		t.Errorf("without ClientType: %s", got)
	}
}
