package check

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/http/httpproxy"

	"trustedapp-tester/internal/redact"
	"trustedapp-tester/profiles"
)

// DefaultBodyCap caps captured response bodies.
const DefaultBodyCap int64 = 1 << 20

// collector gathers the exchanges of one step; it travels in the request context.
type collector struct {
	mu        sync.Mutex
	exchanges []Exchange
}

func (c *collector) add(x Exchange) {
	c.mu.Lock()
	c.exchanges = append(c.exchanges, x)
	c.mu.Unlock()
}

func (c *collector) list() []Exchange {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Exchange(nil), c.exchanges...)
}

func (c *collector) last() *Exchange {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.exchanges) == 0 {
		return nil
	}
	x := c.exchanges[len(c.exchanges)-1]
	return &x
}

type collectorKey struct{}

func withCollector(ctx context.Context, c *collector) context.Context {
	return context.WithValue(ctx, collectorKey{}, c)
}

// capture is the RoundTripper that records every round trip as a redacted Exchange,
// with httptrace timings, and caps the response body. Redaction happens here, before
// anything reads or formats what was captured: credential fields and headers by name,
// and the run's known secrets (client secret, token) in every encoding a server may
// echo them in.
type capture struct {
	base  http.RoundTripper
	cap   int64
	now   func() time.Time
	known *redact.Secrets
	// proxyFor is the transport's proxy choice (nil when the caller brought its own
	// transport): a failure before any connection through a proxy is the proxy's.
	proxyFor func(*http.Request) (*url.URL, error)
}

// ProxyError is a request the proxy did not pass on: the CONNECT was refused (Go
// reports only the proxy's status text), the proxy answered 407 itself, or the proxy
// could not be reached at all (Unreachable).
type ProxyError struct {
	Proxy       string // host:port of the proxy, as configured
	Err         error
	Unreachable bool // no connection to the proxy (DNS, refused, timeout)
}

func (e *ProxyError) Error() string { return "proxy " + e.Proxy + ": " + e.Err.Error() }
func (e *ProxyError) Unwrap() error { return e.Err }

// viaProxy is the proxy req goes through, "" for none.
func (c *capture) viaProxy(req *http.Request) string {
	if c.proxyFor == nil {
		return ""
	}
	u, err := c.proxyFor(req)
	if err != nil || u == nil {
		return ""
	}
	return u.Host
}

func (c *capture) RoundTrip(req *http.Request) (*http.Response, error) {
	col, _ := req.Context().Value(collectorKey{}).(*collector)
	x := Exchange{
		Started:        c.now(),
		Method:         req.Method,
		URL:            c.known.Replace(redact.URL(req.URL.String())),
		RequestHeaders: c.headers(req.Header),
	}
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(b))
		body := string(b)
		if isForm(req.Header.Get("Content-Type")) {
			body = redact.Form(body)
		}
		x.RequestBody = c.known.Replace(body)
	}
	var (
		start                              = time.Now()
		dnsStart, connStart, tlsStart      time.Time
		dnsDur, connDur, tlsDur, firstByte time.Duration
		mu                                 sync.Mutex
		gotConn                            bool
	)
	trace := &httptrace.ClientTrace{
		DNSStart: func(httptrace.DNSStartInfo) { mu.Lock(); dnsStart = time.Now(); mu.Unlock() },
		DNSDone: func(httptrace.DNSDoneInfo) {
			mu.Lock()
			if !dnsStart.IsZero() {
				dnsDur = time.Since(dnsStart)
			}
			mu.Unlock()
		},
		ConnectStart: func(string, string) { mu.Lock(); connStart = time.Now(); mu.Unlock() },
		ConnectDone: func(string, string, error) {
			mu.Lock()
			if !connStart.IsZero() {
				connDur = time.Since(connStart)
			}
			mu.Unlock()
		},
		TLSHandshakeStart: func() { mu.Lock(); tlsStart = time.Now(); mu.Unlock() },
		TLSHandshakeDone: func(tls.ConnectionState, error) {
			mu.Lock()
			if !tlsStart.IsZero() {
				tlsDur = time.Since(tlsStart)
			}
			mu.Unlock()
		},
		GotFirstResponseByte: func() { mu.Lock(); firstByte = time.Since(start); mu.Unlock() },
		GotConn:              func(httptrace.GotConnInfo) { mu.Lock(); gotConn = true; mu.Unlock() },
	}
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
	resp, err := c.base.RoundTrip(req)
	finish := func() {
		mu.Lock()
		x.Timings = Timings{DNS: dnsDur, Connect: connDur, TLS: tlsDur, FirstByte: firstByte, Total: time.Since(start)}
		mu.Unlock()
		if col != nil {
			col.add(x)
		}
	}
	if err != nil {
		mu.Lock()
		connected := gotConn
		mu.Unlock()
		if px := c.viaProxy(req); px != "" && !errors.Is(err, context.Canceled) {
			var op *net.OpError
			switch {
			case errors.As(err, &op) && op.Op == "proxyconnect":
				// Named by the address the user gave: Go's error often has none.
				err = &ProxyError{Proxy: px, Err: err, Unreachable: true}
			case !connected && !isTimeout(err) && !isTLSError(err) && !errors.As(err, &op):
				// Before any connection, and not the instance's certificate (checked
				// through the tunnel the proxy did open): the proxy refused.
				err = &ProxyError{Proxy: px, Err: err}
			}
		}
		x.Error = c.errText(err)
		finish()
		return nil, err
	}
	if resp.StatusCode == http.StatusProxyAuthRequired {
		// Only a proxy answers 407 (here for a plain http:// request through it).
		if px := c.viaProxy(req); px != "" {
			resp.Body.Close()
			x.Status = resp.StatusCode
			x.ResponseHeaders = c.headers(resp.Header)
			err := &ProxyError{Proxy: px, Err: errors.New(http.StatusText(resp.StatusCode))}
			x.Error = c.errText(err)
			finish()
			return nil, err
		}
	}
	x.Status = resp.StatusCode
	x.ResponseHeaders = c.headers(resp.Header)
	b, rerr := io.ReadAll(io.LimitReader(resp.Body, c.cap+1))
	resp.Body.Close()
	x.Size = int64(len(b))
	if int64(len(b)) > c.cap {
		x.Truncated = true
		b = b[:c.cap]
	}
	if rerr == nil {
		// An answer that came only as the request's time ran out (a server giving up
		// on the request can race an empty 200 past the client's own deadline) is the
		// deadline's: the step reports a timeout, not a broken answer.
		rerr = req.Context().Err()
	}
	if rerr != nil {
		x.Error = c.errText(rerr)
		finish()
		return nil, rerr
	}
	body := string(b)
	if strings.Contains(body, "access_token") || strings.Contains(body, "refresh_token") || strings.Contains(body, "id_token") {
		body = RedactTokenBody(body)
	}
	x.ResponseBody = c.known.Replace(body)
	finish()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.ContentLength = int64(len(b))
	return resp, nil
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

// headers redacts credential headers by name and the run's secrets in every value.
func (c *capture) headers(h http.Header) http.Header {
	out := redact.Headers(h)
	for _, vs := range out {
		for i, v := range vs {
			vs[i] = c.known.Replace(v)
		}
	}
	return out
}

// errText is a transport error as recorded: credentials of a known shape (a URL's
// client_secret=...) and the run's secrets redacted.
func (c *capture) errText(err error) string { return c.known.Replace(redact.Text(err.Error())) }

func isForm(ct string) bool {
	mt, _, _ := mime.ParseMediaType(ct)
	return mt == "application/x-www-form-urlencoded"
}

// ConfigError is a profile setting the engine cannot use (bad URL, CA file).
type ConfigError struct {
	Field string
	Err   error
}

func (e *ConfigError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// newClient builds the run's HTTP client: proxy, TLS (extra CA file or checks off),
// timeouts, and the capturing RoundTripper. Redirects are followed only within the
// same host; a redirect to another host is returned as the response, never followed.
func newClient(p profiles.Profile, opts Options, known *redact.Secrets) (*http.Client, func(), error) {
	base := opts.Transport
	closeIdle := func() {}
	var proxyFor func(*http.Request) (*url.URL, error)
	if base == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.ForceAttemptHTTP2 = true
		timeout := p.Timeout()
		if opts.Timeout > 0 {
			timeout = opts.Timeout
		}
		tr.TLSHandshakeTimeout = timeout
		tr.ResponseHeaderTimeout = timeout
		// The environment's proxy, read for this client (http.ProxyFromEnvironment reads
		// it once per process): same rules, HTTPS_PROXY, HTTP_PROXY, NO_PROXY.
		envProxy := httpproxy.FromEnvironment().ProxyFunc()
		tr.Proxy = func(r *http.Request) (*url.URL, error) { return envProxy(r.URL) }
		if px := strings.TrimSpace(p.Proxy); px != "" {
			u, err := url.Parse(px)
			if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "socks5") {
				return nil, nil, &ConfigError{Field: "proxy", Err: fmt.Errorf("%q is not a proxy URL; use http://host:port", px)}
			}
			tr.Proxy = http.ProxyURL(u)
		}
		tc := &tls.Config{MinVersion: tls.VersionTLS12}
		if p.TLS.InsecureSkipVerify {
			tc.InsecureSkipVerify = true // explicit user choice; reported as net.tls_insecure
		}
		if f := strings.TrimSpace(p.TLS.CAFile); f != "" {
			pem, err := os.ReadFile(f)
			if err != nil {
				return nil, nil, &ConfigError{Field: "ca_file", Err: fmt.Errorf("cannot read the CA file: %v", err)}
			}
			pool, err := x509.SystemCertPool()
			if err != nil || pool == nil {
				pool = x509.NewCertPool()
			}
			if !pool.AppendCertsFromPEM(pem) {
				return nil, nil, &ConfigError{Field: "ca_file", Err: fmt.Errorf("%s holds no PEM certificate", f)}
			}
			tc.RootCAs = pool
		}
		tr.TLSClientConfig = tc
		proxyFor = tr.Proxy
		base = tr
		closeIdle = tr.CloseIdleConnections
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	hc := &http.Client{
		Transport: &capture{base: base, cap: opts.bodyCap(), now: now, known: known, proxyFor: proxyFor},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return http.ErrUseLastResponse
			}
			if !sameHost(req.URL, via[0].URL) {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
	return hc, closeIdle, nil
}

func sameHost(a, b *url.URL) bool {
	return strings.EqualFold(a.Hostname(), b.Hostname()) && a.Port() == b.Port() && a.Scheme == b.Scheme
}

// isCancelled reports whether err comes from the caller cancelling parent.
func isCancelled(parent context.Context, err error) bool {
	return parent.Err() != nil && errors.Is(parent.Err(), context.Canceled) && err != nil
}
