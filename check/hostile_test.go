package check

import (
	"context"
	"reflect"
	"sort"
	"strings"
	"testing"

	"trustedapp-tester/internal/hostile"
	"trustedapp-tester/profiles"
)

// Secrets a hostile server echoes back: one full of characters every encoding treats
// differently, one shorter than 8 characters.
var echoSecrets = []string{
	"S3cr+t/p@ss w\"rd<&>%:é'\\`x~",
	"zQ7!",
}

// exportedStrings lists every string reachable through the exported fields of v: what
// the app, the CLI and the report writers can show.
func exportedStrings(v reflect.Value, out *[]string) {
	switch v.Kind() {
	case reflect.String:
		*out = append(*out, v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			exportedStrings(v.Elem(), out)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				exportedStrings(v.Field(i), out)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			exportedStrings(v.Index(i), out)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			exportedStrings(k, out)
			exportedStrings(v.MapIndex(k), out)
		}
	}
}

func hostileProfile(in *hostile.Instance, auth profiles.AuthMethod) profiles.Profile {
	return profiles.Profile{Name: "hostile", InstanceURL: in.URL, ClientID: hostile.ClientID, AuthMethod: auth,
		Scopes: []string{"read", "update"}, TimeoutSeconds: 5, TLS: profiles.TLSOptions{CAFile: in.CAFile()},
		Calls: []profiles.APICall{{Method: "GET", Path: "/api/domain/odata/Crm_Sales_Customers"}}}
}

// A server that echoes the secret, in any of the encodings servers use, must not get
// it into anything the engine hands on: exchanges, findings, summaries, claims. Every
// style is tried with the token refused (the echo is in the error) and granted (the
// echo is in a claim, the token response and the API's error), for a long secret and
// a short one, sent in the form and in a Basic header.
func TestEchoedSecretNeverLeavesTheEngine(t *testing.T) {
	var leaked []string
	for _, secret := range echoSecrets {
		for _, style := range hostile.EchoStyles() {
			for _, grant := range []bool{false, true} {
				for _, auth := range []profiles.AuthMethod{profiles.AuthPost, profiles.AuthBasic} {
					in := hostile.New(t, secret)
					hostile.Echo(in, style.Echo(secret, hostile.ClientID), grant)
					rep := Run(context.Background(), hostileProfile(in, auth), secret, fresh(), nil)
					if grant && rep.Access == nil {
						t.Fatalf("%s: no token was issued: %v", style.Name, codes(rep, ""))
					}
					var all []string
					exportedStrings(reflect.ValueOf(rep), &all)
					leak := style.Leak(secret, hostile.ClientID)
					for _, s := range all {
						if leak != "" && strings.Contains(s, leak) {
							leaked = append(leaked, style.Name+" ("+map[bool]string{true: "granted", false: "refused"}[grant]+", "+string(auth)+", "+map[bool]string{true: "short", false: "long"}[len(secret) < 8]+")")
							break
						}
					}
				}
			}
		}
	}
	if len(leaked) > 0 {
		sort.Strings(leaked)
		t.Fatalf("the secret leaked in %d of %d cases:\n%s", len(leaked), len(echoSecrets)*len(hostile.EchoStyles())*4, strings.Join(leaked, "\n"))
	}
}
