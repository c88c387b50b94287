package check

import (
	"context"
	"testing"

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
