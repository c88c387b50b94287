package check

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/alexbrainman/sspi"

	"trustedapp-tester/internal/hostile"
	"trustedapp-tester/profiles"
)

// On Windows, a proxy that asks for NTLM or Negotiate gets the signed-in user's
// sign-in through SSPI, with no login anywhere in the profile or the environment.
// Where Windows has no such security package (Wine without Samba's ntlm_auth), the
// finding says so instead, and the program does not fail at start.
func TestSSPISignsInAsTheWindowsUser(t *testing.T) {
	noEnvProxy(t)
	inst := hostile.NewTLS(t, "s")
	iu, _ := url.Parse(inst.URL)
	for _, tc := range []struct{ scheme, pkg string }{{"NTLM", sspi.NTLMSP_NAME}, {"Negotiate", sspi.NEGOSSP_NAME}} {
		t.Run(tc.scheme, func(t *testing.T) {
			_, sspiErr := sspi.QueryPackageInfo(tc.pkg)
			if sspiErr == nil {
				var cred *sspi.Credentials
				if cred, sspiErr = sspi.AcquireCredentials("", tc.pkg, sspi.SECPKG_CRED_OUTBOUND, nil); sspiErr == nil {
					cred.Release()
				}
			}
			px := newNTLMProxy(t, iu.Host, tc.scheme)
			px.AnyUser = true
			p := profiles.Profile{InstanceURL: inst.URL, ClientID: "x", Proxy: "http://" + px.Addr}
			rep := Run(context.Background(), p, "s", fresh(), nil)
			_, acc, refused := px.counts()
			if sspiErr != nil {
				fd := finding(rep, NetProxy)
				if fd == nil || !strings.Contains(fd.Evidence[EvProxyAuth], "Windows") || acc != 0 {
					t.Fatalf("without SSPI %s (%v): %v %+v", tc.scheme, sspiErr, codes(rep, ""), fd)
				}
				t.Logf("no %s here (%v): %s", tc.scheme, sspiErr, fd.Message)
				return
			}
			if acc == 0 || hasCode(rep, NetProxy) {
				if tc.scheme == "Negotiate" && len(refused) > 0 {
					// Negotiate may answer with Kerberos on a domain-joined machine,
					// which this fake proxy (NTLM only) does not take.
					t.Skipf("Negotiate chose another mechanism than NTLM here: %q", refused)
				}
				t.Fatalf("accepted %d, refused %q: %v", acc, refused, codes(rep, ""))
			}
			user := os.Getenv("USERNAME")
			px.mu.Lock()
			who := px.SignedIn
			px.mu.Unlock()
			if len(who) == 0 || (user != "" && !strings.HasSuffix(strings.ToLower(who[0]), `\`+strings.ToLower(user))) {
				t.Errorf("signed in as %q, want the Windows user %q", who, user)
			}
			if got := rep.Proxies[0].Auth; got != tc.scheme+" as the signed-in Windows user" {
				t.Errorf("auth %q", got)
			}
		})
	}
}
