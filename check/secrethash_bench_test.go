package check

import "testing"

// The slip detector's worst case: a hash that fits no slip, so every variant is made.
func BenchmarkCompareSecretHashNoSlip(b *testing.B) {
	stored := ApplicationSecretHash("another-secret-entirely")
	for i := 0; i < b.N; i++ {
		if c := CompareSecretHash("sandbox-old-secret-2024", stored); c.State != SecretHashDifferent {
			b.Fatal(c.State)
		}
	}
}
