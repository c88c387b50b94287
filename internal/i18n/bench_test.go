package i18n

import "testing"

// BenchmarkLoad is what choosing a language costs a process once: reading and
// parsing its translation files into a bundle (make bench).
func BenchmarkLoad(b *testing.B) {
	for _, code := range []string{"en", "bg"} {
		b.Run(code, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				mu.Lock()
				delete(cache, code)
				mu.Unlock()
				if l := For(code); l.Err() != nil {
					b.Fatal(l.Err())
				}
			}
		})
	}
}

// BenchmarkX is one message said in Bulgarian, with and without fmt verbs.
func BenchmarkX(b *testing.B) {
	l := For("bg")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = l.X("guide.token.invalid_client.what", "x")
	}
}
