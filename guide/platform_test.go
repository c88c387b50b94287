package guide

import (
	"strings"
	"testing"

	"trustedapp-tester/internal/platform"
)

// The guide names the keychain as the reader's system does: Windows Credential
// Manager, the macOS Keychain, the Secret Service keyring; never "system keychain".
func TestGuideNamesTheUsersKeychain(t *testing.T) {
	for goos, kc := range map[string]string{"windows": "Windows Credential Manager", "darwin": "the macOS Keychain", "linux": "the Secret Service keyring"} {
		sys := platform.Of(goos)
		if x := explainOn(sys, nil, "token.from_cache", map[string]string{"actual": "keychain"}); !strings.Contains(x.What, "and kept in "+kc+" instead of") {
			t.Errorf("%s: %s", goos, x.What)
		}
		if x := explainOn(sys, nil, "api.license_exhausted", nil); !strings.Contains(strings.Join(x.Steps, " "), "this tool keeps it in "+kc+")") {
			t.Errorf("%s: %q", goos, x.Steps)
		}
		x := explainOn(sys, nil, "privilege.secret_old", nil)
		if !strings.Contains(x.Fields[1].Expect, "(in "+kc+")") || !strings.Contains(x.Steps[0], "stored in "+kc+").") {
			t.Errorf("%s: %+v", goos, x)
		}
		for _, code := range Codes() {
			for _, ev := range []map[string]string{nil, {"actual": "keychain"}, {"keychain": "injected"}} {
				x := explainOn(sys, nil, code, ev)
				all := x.Title + x.What + strings.Join(x.Causes, "") + strings.Join(x.Steps, "") + x.Confirm
				for _, f := range x.Fields {
					all += f.Name + f.Expect
				}
				if strings.Contains(all, "system keychain") || strings.Contains(all, "{keychain}") || strings.Contains(all, "injected") {
					t.Errorf("%s %s: %s", goos, code, all)
				}
			}
		}
	}
	if x := explainOn(platform.Of("linux"), nil, "token.from_cache", map[string]string{"actual": "memory"}); !strings.Contains(x.What, "and kept in the memory of this process instead of") {
		t.Error(x.What)
	}
	if Explain("token.from_cache", map[string]string{"actual": "keychain"}).What != explainOn(platform.Current(), nil, "token.from_cache", map[string]string{"actual": "keychain"}).What {
		t.Error("Explain does not follow this system")
	}
}
