package report

import (
	"io"
	"testing"
)

// BenchmarkMarkdown builds the document (explanations for every finding) and renders the
// support-ticket Markdown with its scrub pass, as "Copy report" does.
func BenchmarkMarkdown(b *testing.B) {
	r, p := leakyReport(), testProfile()
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteMarkdown(io.Discard, Build(r, p)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJSON is the CLI's --json output for one run.
func BenchmarkJSON(b *testing.B) {
	r, p := leakyReport(), testProfile()
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteJSON(io.Discard, Build(r, p)); err != nil {
			b.Fatal(err)
		}
	}
}
