package redact

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
)

// Tokens split across lines: a log line wrapped by a terminal, an editor or the log
// writer itself (CRLF line ends, a timestamp or level at the start of each
// continuation line, indentation). A JWT of an RS256 key is about 800 characters, so
// at 80 or 120 columns it spans many lines, and the shape-based rules, which read one
// line, see none of it whole.
//
// A piece at the end of a line that starts like a token (eyJ for a JWT, enrt_ for an
// ERP.net reference token) is followed into the next lines: on each, the runs of token
// characters are tried in order as the continuation, and one is taken only if the
// token stays well formed with it. A JWT is complete when its header and payload
// decode to JSON objects (the header with an alg) and its signature has the length its
// alg gives (an RSA key's 2048, 3072 or 4096 bits, an EC curve's, an HMAC's); a
// reference token when it has its 64 hex digits. Nothing is redacted unless the
// pieces make a whole token, so text that merely looks like the start of one is left
// alone (a token cut short is still found by the one-line rules, as far as it goes).

// maxWrappedLines bounds the lines one token may span (a 4096-bit RSA token at 40
// columns).
const maxWrappedLines = 64

// The longest header and token followed across lines: ERP.net's header is under 100
// characters and its token under 1,000; these bounds keep text made to look like
// endless token beginnings from costing more than a few milliseconds.
const (
	maxWrappedHeader = 1 << 10
	maxWrappedToken  = 16 << 10
)

// continued marks a continuation piece of a redacted token; the first piece becomes
// "[redacted JWT]" or "enrt_[redacted]", so the token counts once.
const continued = "[…continued]"

// span is one piece of a split token, by byte offsets.
type span struct{ start, end int }

// redactWrapped replaces every token split across lines with its redaction.
func redactWrapped(s string) string {
	tokens := wrappedTokens(s)
	if len(tokens) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, pieces := range tokens {
		for i, p := range pieces {
			b.WriteString(s[last:p.start])
			switch {
			case i > 0:
				b.WriteString(continued)
			case strings.HasPrefix(s[p.start:], "enrt_"):
				b.WriteString("enrt_[redacted]")
			default:
				b.WriteString("[redacted JWT]")
			}
			last = p.end
		}
	}
	b.WriteString(s[last:])
	return b.String()
}

// wrappedTokens finds the tokens split across lines in s, each as its pieces in order.
func wrappedTokens(s string) [][]span {
	if !strings.Contains(s, "\n") || (!strings.Contains(s, "eyJ") && !strings.Contains(s, "enrt_")) {
		return nil
	}
	lines := lineSpans(s)
	var out [][]span
	for i := 0; i+1 < len(lines); i++ {
		ln := lines[i]
		start := ln.end
		for start > ln.start && isTokenByte(s[start-1]) {
			start--
		}
		kind := tokenKind(s[start:ln.end])
		if kind == "" {
			continue
		}
		head, ok := partial{kind: kind}.add(s[start:ln.end])
		if !ok || head.complete() { // whole on its line: the one-line rules have it
			continue
		}
		rest, ok := follow(s, lines, i+1, head, 1)
		if !ok {
			continue
		}
		out = append(out, append([]span{{start, ln.end}}, rest...))
		lastLine := i + len(rest)
		i = lastLine
		if rest[len(rest)-1].end < lines[lastLine].end {
			// The token ended inside that line: the end of that line is read again, as
			// the beginning of another token.
			i--
		}
	}
	return out
}

// lineSpans are the lines of s without their line ends (\n or \r\n) and trailing
// blanks.
func lineSpans(s string) []span {
	var out []span
	for start := 0; start <= len(s); {
		end := strings.IndexByte(s[start:], '\n')
		next := start + end + 1
		if end < 0 {
			end, next = len(s)-start, len(s)+1
		}
		e := start + end
		for e > start && (s[e-1] == '\r' || s[e-1] == ' ' || s[e-1] == '\t') {
			e--
		}
		out = append(out, span{start, e})
		start = next
	}
	return out
}

// follow looks for the rest of a token begun as sofar, from line i on (the depth-th
// line after its first): the pieces that complete it, or false.
func follow(s string, lines []span, i int, sofar partial, depth int) ([]span, bool) {
	if i >= len(lines) || depth > maxWrappedLines {
		return nil, false
	}
	ln := lines[i]
	runs := tokenRuns(s, ln)
	for k, r := range runs {
		joined, ok := sofar.add(s[r.start:r.end])
		if !ok {
			continue
		}
		if joined.complete() {
			return []span{r}, true
		}
		// Only the run that ends the line can go on in the next one.
		if k == len(runs)-1 && r.end == ln.end {
			if rest, ok := follow(s, lines, i+1, joined, depth+1); ok {
				return append([]span{r}, rest...), true
			}
		}
	}
	return nil, false
}

// tokenRuns are the runs of token characters on a line.
func tokenRuns(s string, ln span) []span {
	var out []span
	for i := ln.start; i < ln.end; {
		if !isTokenByte(s[i]) {
			i++
			continue
		}
		j := i
		for j < ln.end && isTokenByte(s[j]) {
			j++
		}
		out = append(out, span{i, j})
		i = j
	}
	return out
}

func isTokenByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
}

// tokenKind says what token the end of a line starts: "jwt", "ref" or "".
func tokenKind(head string) string {
	switch {
	case strings.HasPrefix(head, "eyJ"):
		return "jwt"
	case strings.HasPrefix(head, "enrt_"):
		return "ref"
	}
	return ""
}

// partial is a token followed so far, piece by piece, without joining the pieces: a
// JWT's segments are checked as each one is whole (the header a JSON object with an
// alg, the payload a JSON object), and its signature only counted.
type partial struct {
	kind   string // "jwt" or "ref"
	n      int    // its length so far
	dots   int
	alg    string // once the header is whole
	seg    string // the header or payload in progress
	segLen int    // the length of the segment in progress
}

// add returns p with piece after it, or false when a token cannot go on so: a
// reference token with other than hex digits or more than 64 of them; a JWT with more
// than three segments, a segment that does not decode, a header or token longer than
// the bounds, or a signature longer than its alg makes it.
func (p partial) add(piece string) (partial, bool) {
	first := p.n == 0
	p.n += len(piece)
	if p.kind == "ref" {
		digits := piece
		if first {
			digits = piece[len("enrt_"):]
		}
		return p, p.n <= len("enrt_")+64 && isHex(digits)
	}
	if p.n > maxWrappedToken {
		return p, false
	}
	for {
		dot := strings.IndexByte(piece, '.')
		if dot < 0 {
			break
		}
		whole := p.seg + piece[:dot]
		switch p.dots {
		case 0:
			if p.alg = headerAlg(whole); p.alg == "" {
				return p, false
			}
		case 1:
			if !isJSONObject(whole) {
				return p, false
			}
		default:
			return p, false
		}
		p.dots++
		p.seg, p.segLen = "", 0
		piece = piece[dot+1:]
	}
	p.segLen += len(piece)
	switch p.dots {
	case 0:
		if p.segLen > maxWrappedHeader {
			return p, false
		}
		p.seg += piece
	case 1:
		p.seg += piece
	default:
		if lens := sigLengths(p.alg); lens != nil && p.segLen > lens[len(lens)-1] {
			return p, false
		}
	}
	return p, true
}

// complete reports whether p is a whole token: a reference token with its 64 hex
// digits; a JWT whose header and payload decoded and whose signature has a length its
// alg makes (any, for an alg whose lengths are not known here).
func (p partial) complete() bool {
	if p.kind == "ref" {
		return p.n == len("enrt_")+64
	}
	if p.dots != 2 {
		return false
	}
	lens := sigLengths(p.alg)
	if lens == nil {
		return p.segLen > 0 || p.alg == "none"
	}
	return slices.Contains(lens, p.segLen)
}

// sigLengths are the lengths, in base64url characters, of a signature made with alg:
// RSA (RS, PS) for keys of 2048, 3072 and 4096 bits; ECDSA per curve; HMAC per hash;
// EdDSA. nil when alg is not known.
func sigLengths(alg string) []int {
	b64 := func(bytes ...int) []int {
		out := make([]int, len(bytes))
		for i, n := range bytes {
			out[i] = base64.RawURLEncoding.EncodedLen(n)
		}
		return out
	}
	switch alg {
	case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512":
		return b64(256, 384, 512)
	case "ES256":
		return b64(64)
	case "ES384":
		return b64(96)
	case "ES512":
		return b64(132)
	case "HS256":
		return b64(32)
	case "HS384":
		return b64(48)
	case "HS512", "EdDSA":
		return b64(64)
	}
	return nil
}

// headerAlg is the alg of a JWT header segment, or "" when the segment is not a JSON
// object with one.
func headerAlg(seg string) string {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return ""
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(b, &h) != nil {
		return ""
	}
	return h.Alg
}

func isJSONObject(seg string) bool {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil || len(b) == 0 || b[0] != '{' {
		return false
	}
	return json.Valid(b)
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}
