package tokenview

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/MicahParks/jwkset"
)

// The JOSE rules the signature library does not apply itself: the crit header (RFC
// 7515 section 4.1.11) and what a key may be used for (RFC 7517 sections 4.2 and 4.3).

// understoodExtensions are the header extensions this verifier understands and
// applies when crit lists them: none. ERP.net's tokens carry no crit header.
var understoodExtensions = []string{}

// jwsHeaderNames are the header parameters RFC 7515 defines; crit must not list them.
var jwsHeaderNames = []string{"alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit"}

// critProblem says why the token's crit header makes it invalid, or "" when it has
// none. RFC 7515 section 4.1.11: crit is a non-empty list of the names of extension
// parameters present in the header; a recipient that does not understand one of them
// must reject the token, as it must reject a malformed crit.
func critProblem(raw string) string {
	head, _, _ := strings.Cut(strings.TrimSpace(raw), ".")
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(head, "="))
	if err != nil {
		return ""
	}
	var hdr map[string]json.RawMessage
	if json.Unmarshal(b, &hdr) != nil {
		return ""
	}
	v, ok := hdr["crit"]
	if !ok {
		return ""
	}
	const why = " RFC 7515 (section 4.1.11) says such a token must be rejected, so its signature was not accepted."
	var names []string
	if json.Unmarshal(v, &names) != nil {
		return "The token's header has a crit parameter that is not a list of names (" + clip(string(v)) + ")." + why
	}
	if len(names) == 0 {
		return "The token's header has an empty crit list, which producers must not send." + why
	}
	var defined, missing, unknown []string
	for _, n := range names {
		switch {
		case slices.Contains(jwsHeaderNames, n):
			defined = append(defined, n)
		case hdr[n] == nil:
			missing = append(missing, n)
		case !slices.Contains(understoodExtensions, n):
			unknown = append(unknown, n)
		}
	}
	switch {
	case len(defined) > 0:
		return fmt.Sprintf("The token's crit header lists %s, which the JWS standard itself defines and crit must not name.", quoted(defined)) + why
	case len(missing) > 0:
		return fmt.Sprintf("The token's crit header lists %s, which the header does not contain.", quoted(missing)) + why
	case len(unknown) > 0:
		return fmt.Sprintf("The token's header marks %s as critical (crit): extensions the verifier must understand to accept the token, and this tester understands none.", quoted(unknown)) + why
	}
	return ""
}

func quoted(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", clip(n))
	}
	return strings.Join(q, ", ")
}

// clip keeps a value from the token short enough for a note.
func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

// notForSigning says why a published key may not verify a signature, or "" when it
// may: its use is not "sig" (RFC 7517 section 4.2), or its key_ops do not include
// "verify" (section 4.3). A key with neither member may be used for anything.
func notForSigning(k jwkset.JWKMarshal) string {
	if k.USE != "" && k.USE != jwkset.UseSig {
		return fmt.Sprintf("use %q", clip(string(k.USE)))
	}
	if len(k.KEYOPS) > 0 && !slices.Contains(k.KEYOPS, jwkset.KeyOpsVerify) {
		ops := make([]string, len(k.KEYOPS))
		for i, o := range k.KEYOPS {
			ops[i] = clip(string(o))
		}
		return "key_ops " + strings.Join(ops, ", ") + " (no verify)"
	}
	return ""
}

// signingKeys splits a parsed key set into the keys that may verify signatures (a
// storage of those alone) and, for the token's kid, why the key of that kid may not
// ("" when it may, or none has it). With no kid, refused is set when no key at all may
// verify signatures and some key was refused.
func signingKeys(store jwkset.Storage, kid string) (usable jwkset.Storage, refused string, err error) {
	all, err := store.KeyReadAll(context.Background())
	if err != nil {
		return nil, "", err
	}
	usable = jwkset.NewMemoryStorage()
	n, kidUsable := 0, false
	var kidRefusal, firstRefusal string
	for _, k := range all {
		m := k.Marshal()
		if why := notForSigning(m); why != "" {
			if kid != "" && m.KID == kid && kidRefusal == "" {
				kidRefusal = fmt.Sprintf("The instance's JWKS publishes key %q with %s: a key for another use than checking signatures, so the token was not accepted.", clip(kid), why)
			}
			if firstRefusal == "" {
				firstRefusal = fmt.Sprintf("key %q has %s", clip(m.KID), why)
			}
			continue
		}
		kidUsable = kidUsable || (kid != "" && m.KID == kid)
		if err := usable.KeyWrite(context.Background(), k); err != nil {
			return nil, "", err
		}
		n++
	}
	switch {
	case kid != "" && !kidUsable:
		refused = kidRefusal
	case kid == "" && n == 0 && firstRefusal != "":
		refused = "No key in the instance's JWKS may check signatures (" + firstRefusal + "), so the token was not accepted."
	}
	return usable, refused, nil
}
