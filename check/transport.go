package check

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"trustedapp-tester/internal/redact"
)

// DefaultBodyCap caps captured response bodies.
const DefaultBodyCap int64 = 1 << 20

// chain is the transport every request of a run passes through, the token request,
// the API calls and each redirect hop included (http.Client sends every hop through
// its Transport). Outermost first:
//
//	capture      records the redacted Exchange with its timings (timing.go), caps and
//	             redacts the response body
//	gate         the credential gate (gate.go): every request reaches it as it will be
//	             sent, credentials on it, after capture copied the redacted record and
//	             before it leaves; what it refuses, capture records as the exchange's
//	             error, and no layer below sees the request
//	proxyErrors  names the proxy in the failures it caused (proxyerr.go); only when
//	             the base transport is ours (proxyFor set)
//	base         net/http's transport (client.go: proxy, TLS, timeouts) or
//	             Options.Transport
//
// A new layer is one more wrap here. Below capture, a request's body is a copy
// capture has read (bytes in memory), so a layer may read it and put it back.
func chain(base http.RoundTripper, proxyFor func(*http.Request) (*url.URL, error), bodyCap int64, now func() time.Time, known *redact.Secrets, g *gate) http.RoundTripper {
	next := base
	if proxyFor != nil {
		next = &proxyErrors{next: next, proxyFor: proxyFor}
	}
	g.next = next
	return &capture{next: g, cap: bodyCap, now: now, known: known}
}

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

// capture is the outermost layer of the chain: it records every round trip as a
// redacted Exchange into the step's collector, times it, and caps the response body.
// Redaction happens here, before anything reads or formats what was captured:
// credential fields and headers by name, and the run's known secrets (client secret,
// token) in every encoding a server may echo them in. The request it passes on is the
// one the caller made, unredacted.
type capture struct {
	next  http.RoundTripper
	cap   int64
	now   func() time.Time
	known *redact.Secrets
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
	req, tm := startTimer(req)
	record := func() {
		x.Timings = tm.stop()
		if col != nil {
			col.add(x)
		}
	}
	resp, err := c.next.RoundTrip(req)
	if err != nil {
		var pe *ProxyError
		if errors.As(err, &pe) && pe.answer != nil {
			x.Status = pe.answer.StatusCode
			x.ResponseHeaders, _ = c.keepHeaders(&x, pe.answer.Header)
		}
		x.Error = c.errText(err)
		record()
		return nil, err
	}
	x.Status = resp.StatusCode
	var room int64 // what the headers leave of the capture limit for the body
	x.ResponseHeaders, room = c.keepHeaders(&x, resp.Header)
	b, rerr := io.ReadAll(io.LimitReader(resp.Body, room+1))
	resp.Body.Close()
	x.Size = int64(len(b))
	if int64(len(b)) > room {
		x.Truncated = true
		b = b[:room]
	}
	if rerr == nil {
		// An answer that came only as the request's time ran out (a server giving up
		// on the request can race an empty 200 past the client's own deadline) is the
		// deadline's: the step reports a timeout, not a broken answer.
		rerr = req.Context().Err()
	}
	if rerr != nil {
		x.Error = c.errText(rerr)
		record()
		return nil, rerr
	}
	body := string(b)
	if strings.Contains(body, "access_token") || strings.Contains(body, "refresh_token") || strings.Contains(body, "id_token") {
		body = RedactTokenBody(body)
	}
	x.ResponseBody = c.known.Replace(body)
	record()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.ContentLength = int64(len(b))
	return resp, nil
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

// keepHeaders records the response headers h within the capture limit, redacted
// (headers), and returns them with what they leave of the limit for the body. A
// header counts its name, each value, ": " and the line end. When they do not all
// fit, the largest are left out until the rest do, and x says how many and how large
// they all were.
func (c *capture) keepHeaders(x *Exchange, h http.Header) (http.Header, int64) {
	size := func(name string) int64 {
		n := int64(0)
		for _, v := range h[name] {
			n += int64(len(name) + len(v) + 4)
		}
		return n
	}
	var total int64
	for name := range h {
		total += size(name)
	}
	if total <= c.cap {
		return c.headers(h), c.cap - total
	}
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		if si, sj := size(names[i]), size(names[j]); si != sj {
			return si < sj
		}
		return names[i] < names[j]
	})
	kept, used := http.Header{}, int64(0)
	for _, name := range names {
		if used+size(name) > c.cap {
			x.HeadersCut++
			continue
		}
		kept[name], used = h[name], used+size(name)
	}
	x.HeaderBytes = total
	return c.headers(kept), c.cap - used
}

// errText is a transport error as recorded: credentials of a known shape (a URL's
// client_secret=...) and the run's secrets redacted.
func (c *capture) errText(err error) string { return c.known.Replace(redact.Text(err.Error())) }

func isForm(ct string) bool {
	mt, _, _ := mime.ParseMediaType(ct)
	return mt == "application/x-www-form-urlencoded"
}
