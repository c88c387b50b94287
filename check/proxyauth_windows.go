package check

import (
	"fmt"
	"net/url"
	"strings"
	"syscall"

	"github.com/alexbrainman/sspi"
)

// systemProxyAuth signs in to the proxy as the signed-in Windows user, through SSPI:
// Negotiate when the proxy offers it (Kerberos for the proxy's HTTP/ service name,
// or NTLM inside it), else NTLM. Windows supplies the credentials; no password is
// asked for or seen.
//
// It uses alexbrainman/sspi's base package, not its ntlm subpackage, whose init
// panics where Windows has no NTLM package (Wine without Samba's ntlm_auth): a
// program that may never meet a proxy must not die at start for it.
func systemProxyAuth(proxy *url.URL, offered []string) proxyAuth {
	switch {
	case offers(offered, "Negotiate"):
		return &sspiAuth{name: "Negotiate", pkg: sspi.NEGOSSP_NAME, spn: "HTTP/" + strings.ToLower(proxy.Hostname())}
	case offers(offered, "NTLM"):
		return &sspiAuth{name: "NTLM", pkg: sspi.NTLMSP_NAME}
	}
	return nil
}

func noSystemSignIn(offered []string) string {
	return "it asks for " + schemeList(offered) + "; this tool signs in to proxies as the signed-in Windows user with Negotiate or NTLM, or with the login in the proxy URL (Basic, NTLM)"
}

// sspiAuth is one SSPI client context of package pkg for the signed-in user.
type sspiAuth struct {
	name, pkg, spn string
	maxToken       uint32
	cred           *sspi.Credentials
	ctx            *sspi.Context
}

func (a *sspiAuth) scheme() string { return a.name }
func (a *sspiAuth) how() string    { return a.name + " as the signed-in Windows user" }

func (a *sspiAuth) step(challenge []byte) ([]byte, error) {
	if a.ctx == nil {
		info, err := sspi.QueryPackageInfo(a.pkg)
		if err != nil {
			return nil, fmt.Errorf("Windows has no %s security package here: %v", a.name, sspiText(err))
		}
		a.maxToken = info.MaxToken
		cred, err := sspi.AcquireCredentials("", a.pkg, sspi.SECPKG_CRED_OUTBOUND, nil)
		if err != nil {
			return nil, fmt.Errorf("Windows gave no %s credentials of the signed-in user: %v", a.name, sspiText(err))
		}
		a.cred = cred
		a.ctx = sspi.NewClientContext(cred, sspi.ISC_REQ_CONNECTION)
	}
	var target *uint16
	if a.spn != "" {
		p, err := syscall.UTF16PtrFromString(a.spn)
		if err != nil {
			return nil, err
		}
		target = p
	}
	out := make([]byte, a.maxToken)
	var in, o [1]sspi.SecBuffer
	in[0].Set(sspi.SECBUFFER_TOKEN, challenge)
	o[0].Set(sspi.SECBUFFER_TOKEN, out)
	inDesc := &sspi.SecBufferDesc{Version: sspi.SECBUFFER_VERSION, BuffersCount: 1, Buffers: &in[0]}
	outDesc := &sspi.SecBufferDesc{Version: sspi.SECBUFFER_VERSION, BuffersCount: 1, Buffers: &o[0]}
	switch ret := a.ctx.Update(target, outDesc, inDesc); ret {
	case sspi.SEC_E_OK, sspi.SEC_I_CONTINUE_NEEDED:
	case sspi.SEC_I_COMPLETE_NEEDED, sspi.SEC_I_COMPLETE_AND_CONTINUE:
		if r := sspi.CompleteAuthToken(a.ctx.Handle, outDesc); r != sspi.SEC_E_OK {
			return nil, fmt.Errorf("Windows could not complete the %s token: %v", a.name, sspiText(r))
		}
	default:
		return nil, fmt.Errorf("Windows could not make the %s token: %v", a.name, sspiText(ret))
	}
	return out[:o[0].BufferSize], nil
}

func (a *sspiAuth) close() {
	if a.ctx != nil && a.ctx.Handle != nil {
		a.ctx.Release()
	}
	if a.cred != nil {
		a.cred.Release()
	}
}

// sspiText names the SSPI errors a proxy sign-in meets.
func sspiText(err error) string {
	if errno, ok := err.(syscall.Errno); ok {
		switch uint32(errno) {
		case 0x80090305:
			return "the security package is not installed (SEC_E_SECPKG_NOT_FOUND)"
		case 0x8009030E:
			return "no credentials are available (SEC_E_NO_CREDENTIALS)"
		case 0x8009030C:
			return "the sign-in was refused (SEC_E_LOGON_DENIED)"
		case 0x80090311:
			return "no domain controller could be reached (SEC_E_NO_AUTHENTICATING_AUTHORITY)"
		case 0x80090303:
			return "the domain does not know the proxy's service name (SEC_E_TARGET_UNKNOWN)"
		}
		return fmt.Sprintf("SSPI error 0x%08X", uint32(errno))
	}
	return err.Error()
}
