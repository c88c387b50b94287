package check

import (
	"net/url"
	"strings"

	"github.com/alexbrainman/sspi"
	"github.com/alexbrainman/sspi/negotiate"
	"github.com/alexbrainman/sspi/ntlm"
)

// systemProxyAuth signs in to the proxy as the signed-in Windows user, through SSPI:
// Negotiate when the proxy offers it (Kerberos for the proxy's HTTP/ service name,
// or NTLM inside it), else NTLM. Windows supplies the credentials; no password is
// asked for or seen.
func systemProxyAuth(proxy *url.URL, offered []string) proxyAuth {
	switch {
	case offers(offered, "Negotiate"):
		return &sspiNegotiate{spn: "HTTP/" + strings.ToLower(proxy.Hostname())}
	case offers(offered, "NTLM"):
		return &sspiNTLM{}
	}
	return nil
}

func noSystemSignIn(offered []string) string {
	return "it asks for " + schemeList(offered) + "; this tool signs in to proxies as the signed-in Windows user with Negotiate or NTLM, or with the login in the proxy URL (Basic, NTLM)"
}

type sspiNegotiate struct {
	spn  string
	cred *sspi.Credentials
	ctx  *negotiate.ClientContext
}

func (a *sspiNegotiate) scheme() string { return "Negotiate" }
func (a *sspiNegotiate) how() string    { return "Negotiate as the signed-in Windows user" }

func (a *sspiNegotiate) step(challenge []byte) ([]byte, error) {
	if a.ctx == nil {
		cred, err := negotiate.AcquireCurrentUserCredentials()
		if err != nil {
			return nil, err
		}
		a.cred = cred
		ctx, tok, err := negotiate.NewClientContext(cred, a.spn)
		if err != nil {
			return nil, err
		}
		a.ctx = ctx
		return tok, nil
	}
	_, tok, err := a.ctx.Update(challenge)
	return tok, err
}

func (a *sspiNegotiate) close() {
	if a.ctx != nil {
		a.ctx.Release()
	}
	if a.cred != nil {
		a.cred.Release()
	}
}

type sspiNTLM struct {
	cred *sspi.Credentials
	ctx  *ntlm.ClientContext
}

func (a *sspiNTLM) scheme() string { return "NTLM" }
func (a *sspiNTLM) how() string    { return "NTLM as the signed-in Windows user" }

func (a *sspiNTLM) step(challenge []byte) ([]byte, error) {
	if a.ctx == nil {
		cred, err := ntlm.AcquireCurrentUserCredentials()
		if err != nil {
			return nil, err
		}
		a.cred = cred
		ctx, tok, err := ntlm.NewClientContext(cred)
		if err != nil {
			return nil, err
		}
		a.ctx = ctx
		return tok, nil
	}
	return a.ctx.Update(challenge)
}

func (a *sspiNTLM) close() {
	if a.ctx != nil {
		a.ctx.Release()
	}
	if a.cred != nil {
		a.cred.Release()
	}
}
