package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// ConfigFileHelp documents the --config file format (shown by the CLI's --help).
const ConfigFileHelp = `The --config FILE is JSON: instance options (all optional) and extra Trusted App
records, named as in ERP.net's Systems_Security_TrustedApplications (the // notes
are explanations, not part of the file):

  {
    "Database": "E1_DEV-1 Test",             // client_db claim
    "Version": "26.2.0.76",                  // /tools/ver
    "TokenLifetime": "1h",                   // Go duration; expires_in
    "DisabledAppError": "invalid_client",    // or "unauthorized_client"
    "MissingCredentialsError": "invalid_request",   // or "invalid_client"
    "LicenseSlots": 10,                      // concurrent API sessions
    "LicenseExhaustedStatus": 500,           // or 503 (then with Retry-After)
    "SignInScopes": "drop",                  // or "refuse": openid/profile/offline_access give invalid_scope
    "RecordNeedsSec": false,                 // true: Trusted App records need the sec scope (403 otherwise)
    "TrustedApplications": [{
      "Name": "Nightly import",
      "ApplicationUri": "com.acme/import",   // the client_id (required)
      "ClientType": "Confidential",          // or "Public", "None"
      "ApplicationSecretHash": "T/AGymuI51LwjLeIFxRQXOs9IHnupDKs/ajhWODR2C4=",
      "SystemUserAllowed": true,
      "SystemUser": {"Login": "svc-import", "Type": "ApplicationUserNoLogin",
                     "Id": "3f2c8a9e-6b1d-4e7a-9c55-0d1e2f3a4b5c", "Active": true},
      "Scope": "read update",
      "IsEnabled": true,                     // default true
      "ReferenceTokens": "None",             // or "AuthenticatedUsers", "AdministratorsOnly"
      "TokenLifetime": "30s", "TokenDelay": "8s", "LicenseSlots": 1, "SessionRPM": 600
    }]
  }

Behaviour knobs per app: TokenDelay slows its token answers, LicenseSlots caps its
concurrent API sessions (0 = every call fails with MaximumLicenseCountExceeded),
SessionRPM is its per-session requests per minute (default 600, then 429).

The file holds the secret's hash only, never the secret: base64(SHA-256(secret)), as
  trustedapp-check secret hash
prints it (it asks for the secret without echoing it). The hash above is the one of
the secret DEMO.`

type fileUser struct {
	Login  string
	Type   string
	ID     string `json:"Id"`
	Active *bool
}

type fileApp struct {
	Name                  string
	ApplicationURI        string `json:"ApplicationUri"`
	ClientType            string
	ApplicationSecretHash string
	SystemUserAllowed     bool
	SystemUser            *fileUser
	Scope                 string
	IsEnabled             *bool
	ReferenceTokens       string
	TokenLifetime         string
	TokenDelay            string
	LicenseSlots          *int
	SessionRPM            int
}

type fileConfig struct {
	Database                string
	Version                 string
	TokenLifetime           string
	DisabledAppError        string
	MissingCredentialsError string
	LicenseSlots            int
	LicenseExhaustedStatus  int
	SignInScopes            string
	RecordNeedsSec          bool
	TrustedApplications     []fileApp
}

// forbiddenKeys are names people reach for when they mean to put a secret in the file.
var forbiddenKeys = []string{`"ClientSecret"`, `"client_secret"`, `"Secret"`, `"ApplicationSecret"`}

// LoadConfigFile reads a --config file (see ConfigFileHelp) into a Config whose Apps
// hold the file's Trusted App records. Errors name the file, the field and the fix.
func LoadConfigFile(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("sandbox config %s: %w", path, err)
	}
	cfg, err := ParseConfig(data)
	if err != nil {
		return Config{}, fmt.Errorf("sandbox config %s: %w", path, err)
	}
	return cfg, nil
}

// ParseConfig parses the --config JSON format (see ConfigFileHelp).
func ParseConfig(data []byte) (Config, error) {
	for _, k := range forbiddenKeys {
		if bytes.Contains(data, []byte(k)) {
			return Config{}, fmt.Errorf("field %s: a secret does not belong in a file; give ApplicationSecretHash, base64(SHA-256(secret)), as trustedapp-check secret hash prints it", strings.Trim(k, `"`))
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var fc fileConfig
	if err := dec.Decode(&fc); err != nil {
		return Config{}, describeJSONError(data, err)
	}
	if dec.More() {
		return Config{}, errors.New("extra data after the JSON object: the file must hold exactly one object")
	}
	var cfg Config
	var err error
	cfg.Database, cfg.Version = fc.Database, fc.Version
	cfg.DisabledAppError, cfg.MissingCredentialsError = fc.DisabledAppError, fc.MissingCredentialsError
	cfg.LicenseSlots = fc.LicenseSlots
	cfg.LicenseExhaustedStatus, cfg.SignInScopes = fc.LicenseExhaustedStatus, fc.SignInScopes
	cfg.RecordNeedsSec = fc.RecordNeedsSec
	if cfg.TokenLifetime, err = parseDur("TokenLifetime", fc.TokenLifetime); err != nil {
		return Config{}, err
	}
	if _, err := cfg.withDefaults(); err != nil {
		return Config{}, errors.New(strings.TrimPrefix(err.Error(), "sandbox: "))
	}
	for i, fa := range fc.TrustedApplications {
		where := fmt.Sprintf("TrustedApplications[%d]", i)
		a := TrustedApp{
			Name: fa.Name, ApplicationURI: fa.ApplicationURI, ClientType: fa.ClientType,
			ApplicationSecretHash: fa.ApplicationSecretHash, SystemUserAllowed: fa.SystemUserAllowed,
			Scope: fa.Scope, IsEnabled: fa.IsEnabled == nil || *fa.IsEnabled, ReferenceTokens: fa.ReferenceTokens,
			LicenseSlots: fa.LicenseSlots, SessionRPM: fa.SessionRPM,
		}
		if fa.SystemUser != nil {
			a.SystemUser = &User{Login: fa.SystemUser.Login, Type: fa.SystemUser.Type, ID: fa.SystemUser.ID,
				Active: fa.SystemUser.Active == nil || *fa.SystemUser.Active}
		}
		if a.TokenLifetime, err = parseDur(where+".TokenLifetime", fa.TokenLifetime); err != nil {
			return Config{}, err
		}
		if a.TokenDelay, err = parseDur(where+".TokenDelay", fa.TokenDelay); err != nil {
			return Config{}, err
		}
		if _, err := validateApp(a); err != nil {
			return Config{}, fmt.Errorf("%s: %s", where, strings.TrimPrefix(err.Error(), "sandbox: "))
		}
		for _, prev := range cfg.Apps {
			if prev.ApplicationURI == a.ApplicationURI {
				return Config{}, fmt.Errorf("%s: ApplicationUri %q appears twice: each Trusted App needs its own", where, a.ApplicationURI)
			}
		}
		cfg.Apps = append(cfg.Apps, a)
	}
	return cfg, nil
}

func parseDur(field, s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s %q is not a duration: write e.g. \"30s\", \"5m\" or \"1h\"", field, s)
	}
	return d, nil
}

// describeJSONError turns a decoding error into one naming the line and the field.
func describeJSONError(data []byte, err error) error {
	line := func(off int64) int {
		if off > int64(len(data)) {
			off = int64(len(data))
		}
		return 1 + bytes.Count(data[:off], []byte("\n"))
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("line %d: not valid JSON: %v", line(syn.Offset), syn)
	case errors.As(err, &typ):
		return fmt.Errorf("line %d: field %s must be a %s, not a JSON %s", line(typ.Offset), typ.Field, jsonKind(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, io.EOF):
		return errors.New("the file is empty: it must hold one JSON object (see --help)")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return fmt.Errorf("%s is not a known field (see --help for the format; names are case-sensitive)", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return err
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "string"
	case "bool":
		return "true or false"
	case "int", "int64":
		return "whole number"
	case "slice":
		return "JSON array"
	case "struct", "ptr":
		return "JSON object"
	}
	return k
}
