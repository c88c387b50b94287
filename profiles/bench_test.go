package profiles

import (
	"fmt"
	"path/filepath"
	"testing"

	"trustedapp-tester/internal/testdir"
)

// benchStore writes a store of n realistic profiles and returns its path.
func benchStore(b *testing.B, n int) string {
	path := filepath.Join(testdir.New(b), "profiles.json")
	s, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	var ps []Profile
	for i := range n {
		ps = append(ps, Profile{
			Name: fmt.Sprintf("Integration %04d", i), Environment: EnvProduction,
			InstanceURL: fmt.Sprintf("https://tenant%d.my.erp.net", i%50),
			ClientID:    fmt.Sprintf("com.acme/integration-%d", i), Scopes: []string{"read", "update"},
			Calls: DefaultCalls(), Notes: "nightly import of orders and prices",
		})
	}
	if err := s.saveLocked(ps); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkOpen500 loads and validates a store of 500 profiles, as every start of the
// app and every CLI command does.
func BenchmarkOpen500(b *testing.B) {
	path := benchStore(b, 500)
	b.ReportAllocs()
	for b.Loop() {
		s, err := Open(path)
		if err != nil || len(s.List()) != 500 {
			b.Fatal(err)
		}
	}
}

// BenchmarkUpdate500 is one edit saved atomically (temp file, fsync, rename, backup) in a
// store of 500 profiles.
func BenchmarkUpdate500(b *testing.B) {
	path := benchStore(b, 500)
	s, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	p, _ := s.Get("Integration 0042")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		p.Notes = fmt.Sprintf("edit %d", i)
		if err := s.Update(p.Name, p); err != nil {
			b.Fatal(err)
		}
	}
}
