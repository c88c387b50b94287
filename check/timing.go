package check

import (
	"crypto/tls"
	"net/http"
	"net/http/httptrace"
	"sync"
	"time"
)

// timer measures one round trip through httptrace: DNS, connect, TLS, the first
// response byte, and the total until stop (the capture stops it once the body is
// read). Its hooks run on the transport's goroutines, so it locks.
type timer struct {
	mu                                 sync.Mutex
	start                              time.Time
	dnsStart, connStart, tlsStart      time.Time
	dnsDur, connDur, tlsDur, firstByte time.Duration
}

// startTimer starts timing req. The request it returns carries the trace (added to any
// trace already there), so it is the one to send.
func startTimer(req *http.Request) (*http.Request, *timer) {
	t := &timer{start: time.Now()}
	trace := &httptrace.ClientTrace{
		DNSStart:             func(httptrace.DNSStartInfo) { t.mark(&t.dnsStart) },
		DNSDone:              func(httptrace.DNSDoneInfo) { t.measure(&t.dnsStart, &t.dnsDur) },
		ConnectStart:         func(string, string) { t.mark(&t.connStart) },
		ConnectDone:          func(string, string, error) { t.measure(&t.connStart, &t.connDur) },
		TLSHandshakeStart:    func() { t.mark(&t.tlsStart) },
		TLSHandshakeDone:     func(tls.ConnectionState, error) { t.measure(&t.tlsStart, &t.tlsDur) },
		GotFirstResponseByte: func() { t.measure(&t.start, &t.firstByte) },
	}
	return req.WithContext(httptrace.WithClientTrace(req.Context(), trace)), t
}

// mark sets *at to now.
func (t *timer) mark(at *time.Time) {
	t.mu.Lock()
	*at = time.Now()
	t.mu.Unlock()
}

// measure sets *d to the time since *from, when *from was marked.
func (t *timer) measure(from *time.Time, d *time.Duration) {
	t.mu.Lock()
	if !from.IsZero() {
		*d = time.Since(*from)
	}
	t.mu.Unlock()
}

// stop ends the measurement: the phases seen so far and the total until now.
func (t *timer) stop() Timings {
	t.mu.Lock()
	defer t.mu.Unlock()
	return Timings{DNS: t.dnsDur, Connect: t.connDur, TLS: t.tlsDur, FirstByte: t.firstByte, Total: time.Since(t.start)}
}
