package check

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
)

// ProxyError is a request the proxy did not pass on: the CONNECT was refused (Go
// reports only the proxy's status text), the proxy answered 407 itself, or the proxy
// could not be reached at all (Unreachable).
type ProxyError struct {
	Proxy       string // host:port of the proxy, as configured
	Err         error
	Unreachable bool // no connection to the proxy (DNS, refused, timeout)
	// Auth says what became of the sign-in to a proxy that asked for one (a 407):
	// "it refused NTLM as the signed-in Windows user", or why this tool could not
	// sign in; "" when the proxy asked for none.
	Auth string
	// Route is where the proxy was chosen ("system PAC http://wpad/proxy.pac →
	// proxy.corp:8080"), when the base transport is ours and knew it.
	Route string
	// answer is the proxy's own answer (a 407 to a plain http:// request), its body
	// closed, for the capture to record; nil when it did not answer.
	answer *http.Response
}

// finding is the net.proxy finding of a request to host that the proxy did not pass.
func (e *ProxyError) finding(ev map[string]string, host string) Finding {
	ev[EvProxy] = e.Proxy
	ev[EvError] = e.Err.Error()
	from := ""
	if e.Route != "" {
		ev[EvProxyRoute] = e.Route
		from = " Where the proxy was chosen: " + e.Route + "."
	}
	if e.Auth != "" {
		ev[EvProxyAuth] = e.Auth
	}
	if e.Unreachable {
		why := "it refused the connection or did not answer"
		var dnsErr *net.DNSError
		if errors.As(e.Err, &dnsErr) {
			why = fmt.Sprintf("its host name %q does not resolve", dnsErr.Name)
		}
		return newFinding(NetProxy, fmt.Sprintf("The proxy %s could not be reached (%s), so nothing was sent to %s.%s", e.Proxy, why, host, from), ev)
	}
	msg := fmt.Sprintf("The proxy %s did not pass the request on to %s; it answered %q.", e.Proxy, host, e.Err.Error())
	if strings.EqualFold(e.Err.Error(), http.StatusText(http.StatusProxyAuthRequired)) {
		msg += " It wants credentials (HTTP 407)"
		if e.Auth != "" {
			msg += ": " + e.Auth
		}
		msg += "."
	}
	return newFinding(NetProxy, msg+from, ev)
}

func (e *ProxyError) Error() string { return "proxy " + e.Proxy + ": " + e.Err.Error() }
func (e *ProxyError) Unwrap() error { return e.Err }

// proxyErrors is the transport layer that names the proxy in the failures it caused:
// Go reports a refused CONNECT with the proxy's status text only, an unreachable proxy
// with no address, and a proxy's own 407 as an answer of the instance. Each becomes a
// ProxyError naming the proxy as configured, which classifyNetErr reports as
// net.proxy. Requests that go through no proxy pass untouched.
type proxyErrors struct {
	next http.RoundTripper
	// proxyFor is the base transport's proxy choice.
	proxyFor func(*http.Request) (*url.URL, error)
}

// viaProxy is the proxy req goes through, "" for none.
func (p *proxyErrors) viaProxy(req *http.Request) string {
	u, err := p.proxyFor(req)
	if err != nil || u == nil {
		return ""
	}
	return u.Host
}

func (p *proxyErrors) RoundTrip(req *http.Request) (*http.Response, error) {
	px := p.viaProxy(req)
	if px == "" {
		return p.next.RoundTrip(req)
	}
	var connected atomic.Bool
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { connected.Store(true) },
	}))
	resp, err := p.next.RoundTrip(req)
	if err != nil {
		return nil, proxyFailure(px, err, connected.Load())
	}
	if resp.StatusCode == http.StatusProxyAuthRequired {
		// Only a proxy answers 407 (here for a plain http:// request through it).
		resp.Body.Close()
		return nil, &ProxyError{Proxy: px, Err: errors.New(http.StatusText(resp.StatusCode)), answer: resp}
	}
	return resp, nil
}

// proxyFailure is err as the proxy px's failure, when it is one: the proxy could not
// be reached, or it refused before any connection was made through it. A cancel, a
// timeout, a connection error or the instance's certificate (checked through the
// tunnel the proxy did open) stays as it is.
func proxyFailure(px string, err error, connected bool) error {
	var pe *ProxyError
	if errors.Is(err, context.Canceled) || errors.As(err, &pe) {
		return err
	}
	var op *net.OpError
	switch {
	case errors.As(err, &op) && op.Op == "proxyconnect":
		// Named by the address the user gave: Go's error often has none.
		return &ProxyError{Proxy: px, Err: err, Unreachable: true}
	case !connected && !isTimeout(err) && !isTLSError(err) && !errors.As(err, &op):
		return &ProxyError{Proxy: px, Err: err}
	}
	return err
}

// isTLSError reports a TLS handshake or certificate error: through a proxy, one the
// instance's server caused, at the end of a tunnel the proxy opened.
func isTLSError(err error) bool {
	var (
		unknownAuth x509.UnknownAuthorityError
		hostErr     x509.HostnameError
		invalid     x509.CertificateInvalidError
		verr        *tls.CertificateVerificationError
		recErr      tls.RecordHeaderError
		alert       tls.AlertError
	)
	return errors.As(err, &unknownAuth) || errors.As(err, &hostErr) || errors.As(err, &invalid) || errors.As(err, &verr) ||
		errors.As(err, &recErr) || errors.As(err, &alert) || strings.Contains(err.Error(), "tls:")
}
