package check

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"trustedapp-tester/internal/redact"
	"trustedapp-tester/profiles"
)

// The run's HTTP client and the helpers every step uses to send a request and read
// its answer: the per-call timeout, the body cap, and the redirect policy.

// do performs one request with the run's per-call timeout, recording into col. It
// declares what the request carries (c) for the credential gate (gate.go), which lets
// it through or refuses it. The response body is read (capped by the capturing
// transport) and returned.
func (r *run) do(col *collector, c carry, method, target string, body io.Reader, hdr http.Header) (*http.Response, []byte, error) {
	ctx, cancel := context.WithTimeout(declare(withCollector(r.ctx, col), c), r.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return nil, nil, &ConfigError{Field: "url", Err: fmt.Errorf("%q cannot be requested: %v", target, err)}
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	resp, err := r.hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func sameHostURL(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && strings.EqualFold(ua.Host, ub.Host)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func hostOf(u string) string {
	if pu, err := url.Parse(u); err == nil && pu.Host != "" {
		return pu.Host
	}
	return u
}

// bodyCap is the capture limit of response bodies.
func (r *run) bodyCap() int64 { return r.opts.bodyCap() }

// bodyCap is Options.BodyCap, or DefaultBodyCap when it is not set.
func (o Options) bodyCap() int64 {
	if o.BodyCap > 0 {
		return o.BodyCap
	}
	return DefaultBodyCap
}

// truncated reports whether the last answer recorded in col was cut at the cap.
func (r *run) truncated(col *collector) bool {
	last := col.last()
	return last != nil && last.Truncated
}

// capText names the capture limit: "1 MiB capture limit (1048576 bytes)".
func capText(n int64) string {
	size := fmt.Sprintf("%d bytes", n)
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		size = fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		size = fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%s capture limit (%d bytes)", size, n)
}

// timeout is the run's per-call timeout.
func (r *run) timeout() time.Duration { return r.opts.callTimeout(r.p) }

// callTimeout is the per-call timeout: Options.Timeout, else the profile's.
func (o Options) callTimeout(p profiles.Profile) time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return p.Timeout()
}

// crossHostRedirect reports a 3xx answer pointing at another host (never followed).
func crossHostRedirect(resp *http.Response, what string) (Finding, bool) {
	if resp == nil || resp.StatusCode < 300 || resp.StatusCode >= 400 || resp.Request == nil {
		return Finding{}, false
	}
	loc, err := resp.Request.URL.Parse(resp.Header.Get("Location"))
	if err != nil || loc == nil || sameHost(loc, resp.Request.URL) {
		return Finding{}, false
	}
	return newFinding(NetRedirectCrossHost,
		fmt.Sprintf("The server redirected %s to another host (%s); the redirect was not followed, so no credentials were sent there.", what, loc.Host),
		map[string]string{EvURL: redact.URL(resp.Request.URL.String()), EvLocation: redact.URL(loc.String()), EvStatus: fmt.Sprint(resp.StatusCode)}), true
}

// ConfigError is a profile setting the engine cannot use (bad URL, CA file).
type ConfigError struct {
	Field string
	Err   error
}

func (e *ConfigError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// newClient builds the run's HTTP client: the base transport (Options.Transport, or
// one built from the profile's proxy route, TLS options and the timeout) under the
// transport chain (transport.go) with p's credential gate, and the redirect policy. It
// returns the function that closes the base transport's idle connections, and the
// proxy route (nil with Options.Transport), whose choices the report lists.
func newClient(p profiles.Profile, opts Options, known *redact.Secrets, raw *rawCredentials) (*http.Client, func(), *proxyRoute, error) {
	base := opts.Transport
	closeIdle := func() {}
	var proxyFor func(*http.Request) (*url.URL, error)
	var route *proxyRoute
	if base == nil {
		tr, err := baseTransport(p, opts.callTimeout(p))
		if err != nil {
			return nil, nil, nil, err
		}
		route = tr.route
		proxyFor = route.proxyFor
		base = tr
		closeIdle = tr.CloseIdleConnections
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	g := &gate{b: boundaryOf(p), raw: raw, watch: opts.Watch, seq: new(atomic.Int64)}
	hc := &http.Client{
		Transport:     chain(base, proxyFor, opts.bodyCap(), now, known, g),
		CheckRedirect: sameHostRedirects,
	}
	return hc, closeIdle, route, nil
}

// baseTransport is net/http's transport for the profile: HTTP/2, the TLS handshake
// and the response headers within timeout, the TLS options (tlsConfig), under the
// profile's proxy route (proxyChoice, proxy.go; its tunnels, proxytunnel.go).
func baseTransport(p profiles.Profile, timeout time.Duration) (*proxyTransport, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ForceAttemptHTTP2 = true
	tr.TLSHandshakeTimeout = timeout
	tr.ResponseHeaderTimeout = timeout
	route, err := proxyChoice(p)
	if err != nil {
		return nil, err
	}
	tc, err := tlsConfig(p)
	if err != nil {
		return nil, err
	}
	tr.TLSClientConfig = tc
	return newProxyTransport(tr, route, timeout), nil
}

// tlsConfig is TLS 1.2 or later, with the profile's extra CA file added to the
// system's roots, or with the certificate checks off when the profile says so.
func tlsConfig(p profiles.Profile) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if p.TLS.InsecureSkipVerify {
		tc.InsecureSkipVerify = true // explicit user choice; reported as net.tls_insecure
	}
	if f := strings.TrimSpace(p.TLS.CAFile); f != "" {
		pem, err := os.ReadFile(f)
		if err != nil {
			return nil, &ConfigError{Field: "ca_file", Err: fmt.Errorf("cannot read the CA file: %v", err)}
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, &ConfigError{Field: "ca_file", Err: fmt.Errorf("%s holds no PEM certificate", f)}
		}
		tc.RootCAs = pool
	}
	return tc, nil
}

// sameHostRedirects is the client's redirect policy: up to five redirects, each
// within the same scheme, host and port; a redirect to another host is returned as
// the response, never followed, so no credential is sent there.
func sameHostRedirects(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 || !sameHost(req.URL, via[0].URL) {
		return http.ErrUseLastResponse
	}
	return nil
}

func sameHost(a, b *url.URL) bool {
	return strings.EqualFold(a.Hostname(), b.Hostname()) && a.Port() == b.Port() && a.Scheme == b.Scheme
}
