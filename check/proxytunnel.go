package check

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"
)

// proxyTransport is the base transport with the proxy route: net/http's transport
// for direct connections, SOCKS5 proxies and plain http:// URLs through a proxy
// (absolute-form requests, a login in the proxy URL as Basic), and this file's
// CONNECT tunnels for https:// URLs through an http:// or https:// proxy, where a
// proxy's 407 gets the sign-in it asks for (proxyauth.go) on the same connection,
// which net/http's own CONNECT cannot do (it gives up at the first 407).
type proxyTransport struct {
	route *proxyRoute
	tr    *http.Transport
	dial  func(ctx context.Context, network, addr string) (net.Conn, error)
	// setup bounds a tunnel's handshake (the dial's context has no deadline).
	setup time.Duration
}

// tunnelKey carries a request's tunnel to the dialer, in the request's context
// (net/http dials with a context that keeps the request's values).
type tunnelKey struct{}

type tunnelTo struct {
	proxy  *url.URL
	target *url.URL
	addr   string
}

func newProxyTransport(tr *http.Transport, route *proxyRoute, setup time.Duration) *proxyTransport {
	t := &proxyTransport{route: route, tr: tr, dial: tr.DialContext, setup: setup}
	if t.dial == nil {
		t.dial = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	if t.setup <= 0 {
		t.setup = time.Minute
	}
	tr.Proxy = t.goProxy
	tr.DialContext = t.dialContext
	return t
}

// tunnels reports a request that goes through proxy by a CONNECT tunnel of ours.
func tunnels(proxy, target *url.URL) bool {
	return proxy != nil && target.Scheme == "https" && (proxy.Scheme == "http" || proxy.Scheme == "https")
}

func (t *proxyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	d := t.route.decide(req.Context(), req.URL)
	if d.proxy == nil {
		return t.tr.RoundTrip(req)
	}
	if tunnels(d.proxy, req.URL) {
		req = req.WithContext(context.WithValue(req.Context(), tunnelKey{}, &tunnelTo{proxy: d.proxy, target: req.URL, addr: canonicalAddr(req.URL)}))
	}
	resp, err := t.tr.RoundTrip(req)
	// The proxy's failures, named with where the proxy was chosen (the proxyErrors
	// layer above names the others by the proxy's address alone).
	var pe *ProxyError
	var op *net.OpError
	switch {
	case errors.As(err, &pe):
		pe.Route = d.use.Route()
	case errors.As(err, &op) && op.Op == "proxyconnect":
		return nil, &ProxyError{Proxy: d.proxy.Host, Err: err, Unreachable: true, Route: d.use.Route()}
	case err == nil && resp.StatusCode == http.StatusProxyAuthRequired:
		// A proxy's own 407 to a plain http:// request through it.
		resp.Body.Close()
		why := "this tool signs in to a proxy for https:// addresses only (in the CONNECT handshake); for http:// ones only with a login in the proxy URL (Basic)"
		if u := d.proxy.User; u != nil && u.Username() != "" {
			why = "it refused the login in the proxy URL (Basic)"
		}
		return nil, &ProxyError{Proxy: d.proxy.Host, Err: errors.New(statusText(resp)), answer: resp, Route: d.use.Route(), Auth: why}
	}
	return resp, err
}

func (t *proxyTransport) CloseIdleConnections() { t.tr.CloseIdleConnections() }

// goProxy is the proxy net/http itself goes through: SOCKS5, and http:// URLs.
func (t *proxyTransport) goProxy(req *http.Request) (*url.URL, error) {
	d := t.route.decide(req.Context(), req.URL)
	if d.proxy == nil || tunnels(d.proxy, req.URL) {
		return nil, nil
	}
	return d.proxy, nil
}

func (t *proxyTransport) dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if tt, ok := ctx.Value(tunnelKey{}).(*tunnelTo); ok && tt.addr == addr {
		return t.tunnel(ctx, tt)
	}
	return t.dial(ctx, network, addr)
}

// tunnel opens a CONNECT tunnel to tt.addr through tt.proxy, signing in when the
// proxy asks. Its errors are those proxyErrors and classifyNetErr read: a proxy
// that cannot be reached is a "proxyconnect" *net.OpError (as net/http's), a refusal
// a *ProxyError with the proxy's answer.
func (t *proxyTransport) tunnel(ctx context.Context, tt *tunnelTo) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, t.setup)
	defer cancel()
	px := tt.proxy.Host
	conn, err := t.dialProxy(ctx, tt.proxy)
	if err != nil {
		return nil, &net.OpError{Op: "proxyconnect", Net: "tcp", Err: err}
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	ok := false
	defer func() {
		if !ok {
			stop()
			conn.Close()
		}
	}()
	hdr := http.Header{}
	if u := tt.proxy.User; u != nil && u.Username() != "" {
		pass, _ := u.Password()
		hdr.Set("Proxy-Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(u.Username()+":"+pass)))
	}
	var auth proxyAuth
	defer func() {
		if auth != nil {
			auth.close()
		}
	}()
	for round := 0; ; round++ {
		resp, br, err := connectOnce(conn, tt.addr, hdr)
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("the proxy %s did not open the tunnel in time: %w", px, ctx.Err())
			}
			return nil, err
		}
		switch {
		case resp.StatusCode == http.StatusOK:
			if br.Buffered() > 0 {
				return nil, &ProxyError{Proxy: px, Err: errors.New("it sent data before the tunnel was used")}
			}
			if !stop() {
				return nil, fmt.Errorf("the proxy %s did not open the tunnel in time: %w", px, context.DeadlineExceeded)
			}
			if auth != nil {
				t.route.signedIn(tt.target, auth.how())
			}
			ok = true
			return conn, nil
		case resp.StatusCode != http.StatusProxyAuthRequired:
			return nil, &ProxyError{Proxy: px, Err: errors.New(statusText(resp)), answer: resp}
		}
		offered := offeredSchemes(resp.Header)
		var challenge []byte
		if auth == nil {
			var why string
			if auth, why = newProxyAuth(tt.proxy, offered); auth == nil {
				return nil, &ProxyError{Proxy: px, Err: errors.New(statusText(resp)), answer: resp, Auth: why}
			}
		} else if challenge = challengeFor(resp.Header, auth.scheme()); challenge == nil || round > 5 {
			return nil, &ProxyError{Proxy: px, Err: errors.New(statusText(resp)), answer: resp, Auth: "it refused " + auth.how()}
		}
		tok, err := auth.step(challenge)
		if err != nil {
			return nil, &ProxyError{Proxy: px, Err: errors.New(statusText(resp)), answer: resp, Auth: fmt.Sprintf("%s failed: %v", auth.how(), err)}
		}
		if resp.Close {
			if challenge != nil {
				// The challenge belongs to the connection the proxy just closed.
				return nil, &ProxyError{Proxy: px, Err: errors.New(statusText(resp)), answer: resp, Auth: auth.how() + " needs one connection for the whole sign-in, and the proxy closed it"}
			}
			conn.Close()
			if conn, err = t.dialProxy(ctx, tt.proxy); err != nil {
				return nil, &net.OpError{Op: "proxyconnect", Net: "tcp", Err: err}
			}
		}
		hdr = http.Header{"Proxy-Authorization": {auth.scheme() + " " + base64.StdEncoding.EncodeToString(tok)}}
	}
}

// dialProxy connects to the proxy: TCP, then TLS for an https:// proxy (with the
// transport's TLS settings, as net/http does).
func (t *proxyTransport) dialProxy(ctx context.Context, proxy *url.URL) (net.Conn, error) {
	addr := canonicalAddr(proxy)
	if proxy.Port() == "" && proxy.Scheme == "http" {
		addr = net.JoinHostPort(proxy.Hostname(), "80")
	}
	conn, err := t.dial(ctx, "tcp", addr)
	if err != nil || proxy.Scheme != "https" {
		return conn, err
	}
	cfg := &tls.Config{}
	if t.tr.TLSClientConfig != nil {
		cfg = t.tr.TLSClientConfig.Clone()
	}
	cfg.ServerName = proxy.Hostname()
	cfg.NextProtos = nil
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	return tc, nil
}

// connectOnce sends one CONNECT on conn and reads the answer; a refusal's body is
// read (up to 64 KiB) so the connection can carry the next round.
func connectOnce(conn net.Conn, addr string, hdr http.Header) (*http.Response, *bufio.Reader, error) {
	req := &http.Request{Method: http.MethodConnect, URL: &url.URL{Opaque: addr}, Host: addr, Header: hdr}
	if err := req.Write(conn); err != nil {
		return nil, nil, err
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		n, _ := io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		if n == 64<<10 || br.Buffered() > 0 {
			resp.Close = true
		}
		resp.Body.Close()
	}
	return resp, br, nil
}

// statusText is the proxy's status as net/http reports a refused CONNECT.
func statusText(resp *http.Response) string {
	if t := http.StatusText(resp.StatusCode); t != "" {
		return t
	}
	return resp.Status
}
