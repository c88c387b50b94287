package sandbox

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"trustedapp-tester/internal/testdir"
)

const goodConfig = `{
  "Database": "ACME Test",
  "TokenLifetime": "2m",
  "DisabledAppError": "unauthorized_client",
  "LicenseSlots": 3,
  "LicenseExhaustedStatus": 503,
  "SignInScopes": "refuse",
  "TrustedApplications": [{
    "Name": "Nightly import",
    "ApplicationUri": "com.acme/import",
    "ApplicationSecretHash": "T/AGymuI51LwjLeIFxRQXOs9IHnupDKs/ajhWODR2C4=",
    "SystemUserAllowed": true,
    "SystemUser": {"Login": "svc-import", "Type": "ApplicationUserNoLogin", "Id": "3f2c8a9e-6b1d-4e7a-9c55-0d1e2f3a4b5c"},
    "Scope": "read update",
    "TokenDelay": "10ms"
  }, {
    "ApplicationUri": "com.acme/off",
    "ApplicationSecretHash": "T/AGymuI51LwjLeIFxRQXOs9IHnupDKs/ajhWODR2C4=",
    "IsEnabled": false
  }]
}`

func TestLoadConfigFile(t *testing.T) {
	path := filepath.Join(testdir.New(t), "sandbox.json")
	if err := os.WriteFile(path, []byte(goodConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfigFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Database != "ACME Test" || cfg.TokenLifetime != 2*time.Minute || cfg.LicenseSlots != 3 || len(cfg.Apps) != 2 ||
		cfg.LicenseExhaustedStatus != 503 || cfg.SignInScopes != "refuse" {
		t.Fatalf("cfg %+v", cfg)
	}
	a := cfg.Apps[0]
	if !a.IsEnabled || !a.SystemUser.Active || a.TokenDelay != 10*time.Millisecond || cfg.Apps[1].IsEnabled {
		t.Errorf("defaults: %+v %+v", a, cfg.Apps[1])
	}
	// The loaded apps work: DEMO is the secret whose hash the file holds.
	s := start(t, cfg)
	r := postToken(t, s.Authority(), url.Values{"grant_type": {"client_credentials"}, "client_id": {"com.acme/import"}, "client_secret": {"DEMO"}}, nil)
	if r.status != 200 || r.body["expires_in"] != float64(120) {
		t.Fatalf("token: %d %s", r.status, r.raw)
	}
	if _, c := decodeJWT(t, r.str("access_token")); c["client_db"] != "ACME Test" {
		t.Errorf("client_db %v", c["client_db"])
	}
	r = postToken(t, s.Authority(), url.Values{"grant_type": {"client_credentials"}, "client_id": {"com.acme/off"}, "client_secret": {"DEMO"}}, nil)
	if r.str("error") != "unauthorized_client" {
		t.Errorf("disabled with DisabledAppError from file: %s", r.raw)
	}
}

func TestConfigFileErrors(t *testing.T) {
	app := func(fields string) string {
		return `{"TrustedApplications":[{"ApplicationUri":"com.x/y",` + fields + `}]}`
	}
	tests := []struct {
		name, data, want string
	}{
		{"empty", "", "the file is empty"},
		{"syntax", "{\n  \"Database\": \"x\",\n  oops\n}", "line 3: not valid JSON"},
		{"unknown field", `{"Databse":"x"}`, `"Databse" is not a known field`},
		{"wrong type", "{\n\"LicenseSlots\": \"ten\"}", "line 2: field LicenseSlots must be a whole number"},
		{"two objects", `{} {}`, "exactly one object"},
		{"bad duration", `{"TokenLifetime":"1 hour"}`, `TokenLifetime "1 hour" is not a duration`},
		{"bad option", `{"DisabledAppError":"denied"}`, "DisabledAppError \"denied\" is not supported"},
		{"bad licence status", `{"LicenseExhaustedStatus":402}`, "LicenseExhaustedStatus 402 is not supported: use 500 or 503"},
		{"bad sign-in scopes", `{"SignInScopes":"maybe"}`, `SignInScopes "maybe" is not supported`},
		{"secret in file", app(`"ClientSecret":"hunter2"`), "field ClientSecret: a secret does not belong in a file"},
		{"no uri", `{"TrustedApplications":[{"Name":"x"}]}`, "TrustedApplications[0]: Trusted App \"x\": ApplicationURI is required"},
		{"bad hash", app(`"ApplicationSecretHash":"hunter2"`), "TrustedApplications[0]: Trusted App com.x/y: ApplicationSecretHash must be base64"},
		{"bad app duration", app(`"TokenDelay":"soon"`), `TrustedApplications[0].TokenDelay "soon"`},
		{"bad user type", app(`"SystemUser":{"Login":"a","Type":"Bot"}`), `SystemUser.Type "Bot" is not valid`},
		{"duplicate", `{"TrustedApplications":[{"ApplicationUri":"a"},{"ApplicationUri":"a"}]}`, `TrustedApplications[1]: ApplicationUri "a" appears twice`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error echoes the secret: %v", err)
			}
		})
	}
	if _, err := LoadConfigFile(filepath.Join(testdir.New(t), "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: %v", err)
	}
}

func TestConfigHelpExampleParses(t *testing.T) {
	// The example in ConfigFileHelp, without its annotations, is a valid file.
	var lines []string
	for _, l := range strings.Split(ConfigFileHelp, "\n") {
		if i := strings.Index(l, "//"); i > 0 {
			l = l[:i]
		}
		lines = append(lines, l)
	}
	text := strings.Join(lines, "\n")
	start, end := strings.Index(text, "{"), strings.LastIndex(text, "}")
	if _, err := ParseConfig([]byte(text[start : end+1])); err != nil {
		t.Fatalf("the --help example does not parse: %v\n%s", err, text[start:end+1])
	}
}
