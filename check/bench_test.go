package check

import (
	"context"
	"runtime"
	"testing"

	"trustedapp-tester/internal/hostile"
	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

// BenchmarkRunHealthy is one whole check (reachability, discovery + JWKS, a fresh token,
// inspect, three API calls) against the sandbox on loopback: the engine's own cost.
func BenchmarkRunHealthy(b *testing.B) {
	benchRun(b, false, Options{Fresh: true})
}

// BenchmarkRunHealthyTLS is the same over HTTPS with the sandbox's local CA.
func BenchmarkRunHealthyTLS(b *testing.B) {
	benchRun(b, true, Options{Fresh: true})
}

// BenchmarkRunCachedToken reuses the cached token, as a second press of "Test" does.
func BenchmarkRunCachedToken(b *testing.B) {
	benchRun(b, false, Options{Cache: NewTokenCache()})
}

func benchRun(b *testing.B, tls bool, opts Options) {
	s, err := sandbox.Start(sandbox.Config{TLS: tls, LicenseSlots: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	// A healthy app without the documented 600 requests/minute session limit, which a
	// benchmark loop would otherwise reach and measure the 429 path instead.
	const secret = "bench-secret"
	err = s.AddApp(sandbox.TrustedApp{
		Name: "Bench", ApplicationURI: "com.sandbox/bench", ClientType: "Confidential",
		ApplicationSecretHash: sandbox.HashSecret(secret), SystemUserAllowed: true,
		SystemUser: &sandbox.User{Login: "svc-bench", Type: "ApplicationUserNoLogin", Active: true},
		Scope:      "read update", IsEnabled: true, SessionRPM: 1 << 30,
	})
	if err != nil {
		b.Fatal(err)
	}
	sc, _ := s.Scenario("healthy")
	sc.ClientID, sc.ClientSecret = "com.sandbox/bench", secret
	p := profileFor(s, sc)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if rep := Run(ctx, p, sc.ClientSecret, opts, nil); rep.Verdict != Pass {
			b.Fatalf("verdict %s", rep.Verdict)
		}
	}
}

// BenchmarkThousandRunsEngine runs 1,000 whole checks (fresh token each) one after
// another in one process against a stateless ERP.net look-alike and reports the heap
// in use and the goroutine count after 100 and after 1,000 runs: they must not grow
// with the number of runs (the UI's BenchmarkThousandRunsInARow does the same through
// the app).
func BenchmarkThousandRunsEngine(b *testing.B) {
	in := hostile.New(b, "s3cret-engine-runs")
	p := profiles.Profile{Name: "Healthy", InstanceURL: in.URL, ClientID: hostile.ClientID, Scopes: []string{"read", "update"}}
	opts := Options{Fresh: true, Cache: NewTokenCache()}
	measure := func() (float64, int) {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return float64(ms.HeapInuse) / (1 << 20), runtime.NumGoroutine()
	}
	for b.Loop() {
		var h100, h1000 float64
		var g100, g1000 int
		for i := 1; i <= 1000; i++ {
			if rep := Run(context.Background(), p, in.Secret, opts, nil); rep.Verdict != Pass {
				b.Fatalf("run %d: %s %v", i, rep.Verdict, codes(rep, ""))
			}
			switch i {
			case 100:
				h100, g100 = measure()
			case 1000:
				h1000, g1000 = measure()
			}
		}
		b.ReportMetric(h100, "heap-after-100-MiB")
		b.ReportMetric(h1000, "heap-after-1000-MiB")
		b.ReportMetric(float64(g100), "goroutines-after-100")
		b.ReportMetric(float64(g1000), "goroutines-after-1000")
	}
}
