package explain

import (
	"strings"
	"testing"
)

func BenchmarkExplainOAuthBody(b *testing.B) {
	text := "HTTP/1.1 400 Bad Request\nContent-Type: application/json\n\n{\"error\":\"invalid_client\",\"error_description\":\"Invalid client_id or client_secret\"}"
	for i := 0; i < b.N; i++ {
		if r := Text(text); !r.Recognised {
			b.Fatal("not recognised")
		}
	}
}

// The worst case: the most text Text reads, none of it recognisable, so every reader
// and every pattern runs over all of it.
func BenchmarkExplainUnrecognisedMaxInput(b *testing.B) {
	line := "2026-12-01 10:00:00 INFO worker 17 processed batch 4411 with 250 rows in 42 ms; queue depth 3 {not json\n"
	text := strings.Repeat(line, MaxInput/len(line))
	b.SetBytes(int64(len(text)))
	for i := 0; i < b.N; i++ {
		if r := Text(text); r.Recognised {
			b.Fatal("recognised")
		}
	}
}
