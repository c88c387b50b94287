package profiles

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
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
	if err := s.saveLocked(nil, ps); err != nil {
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

// bundleOf is an export bundle of n realistic profiles (one in ten with API calls of
// its own); 40,000 of them fit in the 16 MiB a bundle may have.
func bundleOf(b *testing.B, n int) []byte {
	var ps []Profile
	for i := range n {
		p := Profile{
			Name: fmt.Sprintf("Integration %06d", i), Environment: EnvProduction,
			InstanceURL: fmt.Sprintf("https://tenant%d.my.erp.net", i%50),
			ClientID:    fmt.Sprintf("com.acme/integration-%d", i), Scopes: []string{"read", "update"},
			Notes: "nightly import of orders and prices",
		}
		if i%10 == 0 {
			p.Calls = DefaultCalls()
		}
		ps = append(ps, p)
	}
	raw, err := json.Marshal(bundle{Kind: BundleKind, Schema: SchemaVersion, Profiles: ps})
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// BenchmarkImport imports a bundle of n profiles into an empty store (parse, validate,
// one atomic write). The time per profile must not grow with n (issue 11, item 4: it
// was quadratic, 10k profiles 6 s and 40k 107 s).
func BenchmarkImport(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 40_000} {
		b.Run(fmt.Sprintf("profiles=%d", n), func(b *testing.B) {
			raw := bundleOf(b, n)
			dir := b.TempDir()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				s, err := Open(filepath.Join(dir, fmt.Sprintf("p%d.json", i)))
				if err != nil {
					b.Fatal(err)
				}
				res, err := s.Import(bytes.NewReader(raw), nil)
				if err != nil || len(res.Added) != n {
					b.Fatalf("%v: %d added", err, len(res.Added))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/profile")
		})
	}
}

// BenchmarkOpenTooLargeStore is the refusal of a store over MaxStoreBytes (the 114 MB
// of the report, a sparse file): it must cost a stat, not a read.
func BenchmarkOpenTooLargeStore(b *testing.B) {
	path := filepath.Join(testdir.New(b), "profiles.json")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := f.Truncate(114_000_000); err != nil {
		b.Fatal(err)
	}
	f.Close()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Open(path); !errors.As(err, new(*TooLargeError)) {
			b.Fatalf("not refused: %v", err)
		}
	}
}

// BenchmarkOpenAtTheLimit opens the largest store accepted: realistic profiles up to
// MaxStoreBytes (what the limit lets a user wait for).
func BenchmarkOpenAtTheLimit(b *testing.B) {
	one := benchStore(b, 1000)
	fi, err := os.Stat(one)
	if err != nil {
		b.Fatal(err)
	}
	n := int(int64(MaxStoreBytes) * 1000 / fi.Size() * 98 / 100)
	path := benchStore(b, n)
	fi, _ = os.Stat(path)
	b.Logf("%d profiles, %d bytes (%d bytes a profile)", n, fi.Size(), fi.Size()/int64(n))
	b.ReportAllocs()
	for b.Loop() {
		if s, err := Open(path); err != nil || len(s.List()) != n {
			b.Fatal(err)
		}
	}
}
