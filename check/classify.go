package check

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"runtime"
	"strings"
	"syscall"
	"time"

	"trustedapp-tester/internal/redact"
)

// classifyNetErr turns a transport error into a net.* finding. parent is the run's
// context (to tell a user cancel from our own timeout); target is the URL called.
func classifyNetErr(parent context.Context, err error, target string, timeout time.Duration) Finding {
	host := target
	if u, perr := url.Parse(target); perr == nil && u.Host != "" {
		host = u.Host
	}
	if re, ok := refusal(err); ok {
		return re.finding() // the credential gate's: nothing was sent
	}
	ev := map[string]string{EvURL: redact.URL(target), EvHost: host, EvError: err.Error()}
	f := func(code, msg string) Finding { return newFinding(code, msg, ev) }

	if parent.Err() != nil && errors.Is(parent.Err(), context.Canceled) {
		return f(NetCancelled, "The run was cancelled before "+host+" answered.")
	}
	var pe *ProxyError
	if errors.As(err, &pe) {
		return pe.finding(ev, host)
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "proxyconnect" {
		ev[EvProxy] = addrOf(opErr)
		return f(NetProxy, fmt.Sprintf("The proxy %s could not be reached or refused the connection to %s.", addrOf(opErr), host))
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return f(NetDNS, fmt.Sprintf("The host name %q does not resolve (DNS): check the instance URL for typos.", dnsErr.Name))
	}
	var unknownAuth x509.UnknownAuthorityError
	if errors.As(err, &unknownAuth) {
		if unknownAuth.Cert != nil {
			ev[EvCertSubject] = unknownAuth.Cert.Subject.String()
		}
		return f(NetTLSUnknownAuth, fmt.Sprintf("The TLS certificate of %s is signed by an authority this computer does not trust.", host))
	}
	var hostErr x509.HostnameError
	if errors.As(err, &hostErr) {
		if hostErr.Certificate != nil {
			ev[EvCertSubject] = hostErr.Certificate.Subject.String()
			ev[EvExpected] = hostErr.Host
			ev[EvActual] = strings.Join(hostErr.Certificate.DNSNames, " ")
		}
		return f(NetTLSHostname, fmt.Sprintf("The TLS certificate presented by %s is for a different host name.", host))
	}
	var invalid x509.CertificateInvalidError
	if errors.As(err, &invalid) {
		if invalid.Cert != nil {
			ev[EvCertSubject] = invalid.Cert.Subject.String()
			ev[EvCertExpiry] = invalid.Cert.NotAfter.UTC().Format(time.RFC3339)
		}
		if invalid.Reason == x509.Expired {
			return f(NetTLSExpired, fmt.Sprintf("The TLS certificate of %s has expired or is not yet valid.", host))
		}
		return f(NetTLSOther, fmt.Sprintf("The TLS certificate of %s is not valid: %s.", host, invalid.Error()))
	}
	if isTLSError(err) { // the rest of the TLS errors: handshake, record, alert
		return f(NetTLSOther, fmt.Sprintf("The TLS handshake with %s failed.", host))
	}
	if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
		ev[EvTimeout] = timeout.String()
		return f(NetTimeout, fmt.Sprintf("%s did not answer within %s.", host, timeout))
	}
	if errors.Is(err, syscall.ECONNREFUSED) || isWinsock(err, wsaECONNREFUSED) {
		return f(NetRefused, fmt.Sprintf("%s refused the connection: nothing is listening on that port.", host))
	}
	if errors.Is(err, syscall.ECONNRESET) || isWinsock(err, wsaECONNRESET, wsaECONNABORTED) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) {
		return f(NetReset, fmt.Sprintf("%s closed the connection before the answer was complete.", host))
	}
	var cfg *ConfigError
	if errors.As(err, &cfg) {
		return f(ConfigInvalid, "The profile's "+cfg.Field+" setting cannot be used: "+cfg.Err.Error())
	}
	return f(NetOther, fmt.Sprintf("The request to %s failed: %s.", host, err.Error()))
}

// Windows reports socket errors as Winsock codes, which errors.Is does not match
// with syscall.ECONNREFUSED and friends (seen running the tests under Wine).
const (
	wsaECONNABORTED syscall.Errno = 10053
	wsaECONNRESET   syscall.Errno = 10054
	wsaECONNREFUSED syscall.Errno = 10061
)

func isWinsock(err error, codes ...syscall.Errno) bool {
	var e syscall.Errno
	if runtime.GOOS != "windows" || !errors.As(err, &e) {
		return false
	}
	for _, c := range codes {
		if e == c {
			return true
		}
	}
	return false
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func addrOf(op *net.OpError) string {
	if op.Addr != nil {
		return op.Addr.String()
	}
	return "(proxy)"
}

// newFinding makes a finding with the code's default severity.
func newFinding(code, msg string, ev map[string]string) Finding {
	sev, ok := Codes[code]
	if !ok {
		panic("check: finding code not in Codes: " + code)
	}
	var cp map[string]string
	if len(ev) > 0 {
		cp = make(map[string]string, len(ev))
		for k, v := range ev {
			if v != "" {
				cp[k] = v
			}
		}
	}
	return Finding{Code: code, Severity: sev, Message: msg, Evidence: cp}
}
