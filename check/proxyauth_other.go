//go:build !windows

package check

import "net/url"

// systemProxyAuth: outside Windows there is no signed-in user's NTLM or Negotiate
// credential this tool uses (Kerberos tickets on Linux and macOS are not read); the
// login goes in the proxy URL.
func systemProxyAuth(*url.URL, []string) proxyAuth { return nil }

func noSystemSignIn(offered []string) string {
	return "it asks for " + schemeList(offered) + "; outside Windows this tool signs in to a proxy only with the login in the proxy URL (Basic, NTLM), e.g. HTTPS_PROXY=http://DOMAIN%5Cuser:password@proxy:8080"
}
