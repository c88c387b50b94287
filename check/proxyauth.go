package check

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/Azure/go-ntlmssp"
)

// Signing in to a proxy that answers 407 (Proxy Authentication Required). NTLM and
// Negotiate are connection-based: the CONNECT handshake (proxytunnel.go) sends each
// token on the same connection until the proxy opens the tunnel.
//
//   - A login in the proxy URL (HTTPS_PROXY=http://user:password@proxy:8080): Basic,
//     sent with the first CONNECT as net/http does, and NTLM (go-ntlmssp) when the
//     proxy asks for NTLM or Negotiate, on every system.
//   - No login in the URL, on Windows: the signed-in user's own credentials through
//     SSPI (alexbrainman/sspi): Negotiate (Kerberos, or NTLM inside it) when the proxy
//     offers it, else NTLM; no password is asked for or seen (proxyauth_windows.go).
//   - No login, elsewhere: nothing to sign in with; the finding says what to set.

// proxyAuth answers a proxy's challenges in one scheme, over one connection.
type proxyAuth interface {
	// scheme is the scheme's name as sent: "Negotiate", "NTLM".
	scheme() string
	// step returns the next token: the first for a nil challenge, then the answer
	// to the proxy's challenge.
	step(challenge []byte) ([]byte, error)
	// how says how this tool signs in, for the report: "NTLM as the signed-in
	// Windows user". It never names the user or holds a password.
	how() string
	close()
}

// offeredSchemes are the schemes of the proxy's Proxy-Authenticate headers, as it
// wrote them ("Negotiate", "NTLM", "Basic").
func offeredSchemes(h http.Header) []string {
	var out []string
	for _, v := range h.Values("Proxy-Authenticate") {
		for _, part := range strings.Split(v, ",") {
			f := strings.Fields(part)
			if len(f) == 0 || strings.Contains(f[0], "=") {
				continue // a parameter of the scheme before (realm="...")
			}
			out = append(out, f[0])
		}
	}
	return out
}

// offers reports whether the proxy offered scheme.
func offers(offered []string, scheme string) bool {
	for _, s := range offered {
		if strings.EqualFold(s, scheme) {
			return true
		}
	}
	return false
}

// challengeFor is the proxy's token for scheme in its 407 answer, nil when it sent
// none (a first 407, or a refusal after the last token).
func challengeFor(h http.Header, scheme string) []byte {
	for _, v := range h.Values("Proxy-Authenticate") {
		name, tok, ok := strings.Cut(strings.TrimSpace(v), " ")
		if !ok || !strings.EqualFold(name, scheme) {
			continue
		}
		if b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(tok)); err == nil && len(b) > 0 {
			return b
		}
	}
	return nil
}

// newProxyAuth chooses how to answer the proxy's 407; when it cannot, nil and why
// (for the finding).
func newProxyAuth(proxy *url.URL, offered []string) (proxyAuth, string) {
	if proxy.User != nil && proxy.User.Username() != "" {
		pass, _ := proxy.User.Password()
		for _, s := range []string{"NTLM", "Negotiate"} {
			if offers(offered, s) {
				// A raw NTLM token is a valid Negotiate token (SPNEGO acceptors take it).
				return &ntlmAuth{name: s, user: proxy.User.Username(), pass: pass}, ""
			}
		}
		if offers(offered, "Basic") {
			return nil, "it refused the login in the proxy URL (Basic)"
		}
		return nil, "it asks for " + schemeList(offered) + ", which this tool cannot answer with the login in the proxy URL (it answers Basic, NTLM and Negotiate)"
	}
	if a := systemProxyAuth(proxy, offered); a != nil {
		return a, ""
	}
	return nil, noSystemSignIn(offered)
}

func schemeList(offered []string) string {
	if len(offered) == 0 {
		return "a sign-in it did not name (no Proxy-Authenticate header)"
	}
	return strings.Join(offered, ", ")
}

// ntlmAuth signs in with NTLM (go-ntlmssp) with a login given in the proxy URL:
// "DOMAIN%5Cuser" or "user@domain" and its password.
type ntlmAuth struct {
	name, user, pass string
}

func (a *ntlmAuth) scheme() string { return a.name }
func (a *ntlmAuth) how() string {
	if a.name == "NTLM" {
		return "NTLM with the login in the proxy URL"
	}
	return a.name + " (NTLM) with the login in the proxy URL"
}
func (a *ntlmAuth) close() {}

func (a *ntlmAuth) step(challenge []byte) ([]byte, error) {
	if challenge == nil {
		return ntlmssp.NewNegotiateMessage("", "")
	}
	return ntlmssp.NewAuthenticateMessage(challenge, a.user, a.pass, nil)
}
