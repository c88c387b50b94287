package tokenview

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ErrMalformed is returned (wrapped) when a string looks like a JWT but does not decode.
var ErrMalformed = errors.New("token is malformed")

var referenceRE = regexp.MustCompile(`^enrt_[0-9a-fA-F]{64}$`)

// KindOf says what sort of token raw is, without decoding it fully: an ERP.net
// reference token (enrt_ + 64 hex), a JWT (three dot-separated parts) or opaque.
func KindOf(raw string) Kind {
	raw = strings.TrimSpace(raw)
	switch {
	case strings.HasPrefix(raw, "enrt_"):
		return KindReference
	case strings.Count(raw, ".") == 2:
		return KindJWT
	default:
		return KindOpaque
	}
}

// IsWellFormedReference reports whether raw is exactly enrt_ followed by 64 hex digits.
func IsWellFormedReference(raw string) bool { return referenceRE.MatchString(strings.TrimSpace(raw)) }

// Decode is the unverified view of a token: header and claims decoded, signature not
// checked (Signature is SigNotChecked). Reference and opaque tokens decode to a Claims
// with only Kind and SignatureNote set. A string with three parts that do not decode
// as a JWT gives an error wrapping ErrMalformed.
func Decode(raw string) (Claims, error) {
	raw = strings.TrimSpace(raw)
	c := Claims{Kind: KindOf(raw), Signature: SigNotChecked}
	switch c.Kind {
	case KindReference:
		c.SignatureNote = "A reference token (enrt_) is checked by the instance on every request; it carries no readable claims or signature."
		if !IsWellFormedReference(raw) {
			c.SignatureNote = "It starts with enrt_ like an ERP.net reference token, but is not enrt_ followed by 64 hex digits."
		}
		return c, nil
	case KindOpaque:
		c.SignatureNote = "An opaque token carries no readable claims; only the server that issued it can check it."
		return c, nil
	}
	parts := strings.Split(raw, ".")
	hdr, err := decodeSegment(parts[0])
	if err != nil {
		return c, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	hdrFields, err := orderedObject(hdr)
	if err != nil {
		return c, fmt.Errorf("%w: header is not a JSON object: %v", ErrMalformed, err)
	}
	payload, err := decodeSegment(parts[1])
	if err != nil {
		return c, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	fields, err := orderedObject(payload)
	if err != nil {
		return c, fmt.Errorf("%w: payload is not a JSON object: %v", ErrMalformed, err)
	}
	if parts[2] == "" {
		c.SignatureNote = "The token has no signature part."
	} else if _, err := base64.RawURLEncoding.DecodeString(parts[2]); err != nil {
		return c, fmt.Errorf("%w: signature is not base64url: %v", ErrMalformed, err)
	}
	for _, f := range hdrFields {
		c.Header = append(c.Header, claimOf(f))
		switch f.name {
		case "alg":
			c.Alg = asString(f.value)
		case "kid":
			c.Kid = asString(f.value)
		case "typ":
			c.Typ = asString(f.value)
		}
	}
	if c.Alg == "" {
		return c, fmt.Errorf("%w: header has no alg", ErrMalformed)
	}
	for _, f := range fields {
		cl := claimOf(f)
		c.All = append(c.All, cl)
		switch f.name {
		case "client_system_user":
			c.SystemUser = asString(f.value)
		case "client_system_user_type":
			c.SystemUserType = asString(f.value)
		case "client_system_user_id":
			c.SystemUserID = asString(f.value)
		case "client_id":
			c.ClientID = asString(f.value)
		case "client_db":
			c.Database = asString(f.value)
		case "db":
			if c.Database == "" {
				c.Database = asString(f.value)
			}
		case "sub":
			c.Subject = asString(f.value)
		case "iss":
			c.Issuer = asString(f.value)
		case "aud":
			c.Audiences = stringList(f.value)
		case "scope", "scp", "scopes":
			if len(c.Scopes) == 0 {
				c.Scopes = stringList(f.value)
			}
		case "jti":
			c.JTI = asString(f.value)
		case "iat":
			if cl.Time != nil {
				c.IssuedAt = *cl.Time
			}
		case "nbf":
			if cl.Time != nil {
				c.NotBefore = *cl.Time
			}
		case "exp":
			if cl.Time != nil {
				c.Expires = *cl.Time
			}
		}
	}
	return c, nil
}

type field struct {
	name  string
	value json.RawMessage
}

func decodeSegment(s string) ([]byte, error) {
	// base64url without padding is the standard; tolerate padding.
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// orderedObject decodes a JSON object keeping its keys in order.
func orderedObject(b []byte) ([]field, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	t, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not an object")
	}
	var out []field
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, ok := t.(string)
		if !ok {
			return nil, errors.New("object key is not a string")
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, field{name, v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("trailing data after the object")
	}
	if _, err := dec.Token(); err == nil {
		return nil, errors.New("trailing data after the object")
	}
	return out, nil
}

var timeClaims = map[string]bool{"iat": true, "nbf": true, "exp": true, "auth_time": true}

func claimOf(f field) Claim {
	c := Claim{Name: f.name, Value: display(f.value)}
	if timeClaims[f.name] {
		var n json.Number
		if err := json.Unmarshal(f.value, &n); err == nil {
			if v, err := n.Float64(); err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) && math.Abs(v) < 1e12 {
				sec, frac := math.Modf(v)
				t := time.Unix(int64(sec), int64(frac*1e9)).UTC()
				c.Time = &t
			}
		}
	}
	return c
}

// display renders a JSON value for the claims table: strings bare, the rest compact JSON.
func display(v json.RawMessage) string {
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		return s
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, v); err == nil {
		return buf.String()
	}
	return string(v)
}

func asString(v json.RawMessage) string {
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		return s
	}
	var n json.Number
	if err := json.Unmarshal(v, &n); err == nil {
		return n.String()
	}
	return ""
}

// stringList accepts a JSON string (space-delimited) or an array of strings.
func stringList(v json.RawMessage) []string {
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		return strings.Fields(s)
	}
	var arr []any
	if err := json.Unmarshal(v, &arr); err == nil {
		out := make([]string, 0, len(arr))
		for _, a := range arr {
			switch x := a.(type) {
			case string:
				out = append(out, x)
			case float64:
				out = append(out, strconv.FormatFloat(x, 'f', -1, 64))
			}
		}
		return out
	}
	return nil
}

// DiffScopes compares requested with granted scopes. Scope names are case-sensitive
// (ERP.net's Scope field is). An empty request means no scope parameter was sent.
func DiffScopes(requested, granted []string) ScopeDiff {
	d := ScopeDiff{Requested: uniq(requested), Granted: uniq(granted), RequestedAll: len(requested) == 0}
	g := map[string]bool{}
	for _, s := range d.Granted {
		g[s] = true
	}
	r := map[string]bool{}
	for _, s := range d.Requested {
		r[s] = true
		if !g[s] {
			d.Missing = append(d.Missing, s)
		}
	}
	for _, s := range d.Granted {
		if !r[s] {
			d.Extra = append(d.Extra, s)
		}
	}
	return d
}

func uniq(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		for _, f := range strings.Fields(s) {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return out
}

// SortedScopes returns the scopes sorted and de-duplicated, space-joined (cache keys).
func SortedScopes(in []string) string {
	u := uniq(in)
	sort.Strings(u)
	return strings.Join(u, " ")
}

// SortedScopesList returns the scopes sorted and de-duplicated.
func SortedScopesList(in []string) []string {
	u := uniq(in)
	sort.Strings(u)
	return u
}
