package tokenview

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
)

// DefaultAlgorithms is the signature algorithm allow-list: ERP.net signs with RS256;
// PS256 and ES256 are accepted for standards-compliant providers. "none" and HMAC
// algorithms are never accepted.
var DefaultAlgorithms = []string{"RS256", "PS256", "ES256"}

// DefaultLeeway is the clock-skew tolerance for exp and nbf.
const DefaultLeeway = 60 * time.Second

// VerifyOptions tune Inspect. The zero value verifies nothing (no JWKS).
type VerifyOptions struct {
	// JWKS is the instance's JSON Web Key Set as fetched from its jwks_uri; nil
	// means the signature cannot be checked (SigNotChecked).
	JWKS []byte
	// Algorithms is the allow-list; nil means DefaultAlgorithms.
	Algorithms []string
}

// ErrJWKS is returned (wrapped) by ParseJWKS for a key set that cannot be used.
var ErrJWKS = errors.New("JWKS unusable")

// ParseJWKS checks that raw is a JSON Web Key Set with at least one usable key and
// returns the key ids it holds.
func ParseJWKS(raw []byte) ([]string, error) {
	var m jwkset.JWKSMarshal
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("%w: not a JSON key set: %v", ErrJWKS, err)
	}
	if len(m.Keys) == 0 {
		return nil, fmt.Errorf("%w: the key set has no keys", ErrJWKS)
	}
	store, err := m.ToStorage()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrJWKS, err)
	}
	all, err := store.KeyReadAll(context.Background())
	if err != nil || len(all) == 0 {
		return nil, fmt.Errorf("%w: no key in the set could be read", ErrJWKS)
	}
	kids := make([]string, 0, len(all))
	for _, k := range all {
		kids = append(kids, k.Marshal().KID)
	}
	return kids, nil
}

// Inspect decodes raw (see Decode) and, for a JWT, checks its signature against
// opts.JWKS with the algorithm allow-list. The signature outcome is in
// Claims.Signature and Claims.SignatureNote; time validity is left to Expired and
// NotYetValid so a caller can report each problem separately. The error is Decode's.
func Inspect(raw string, opts VerifyOptions) (Claims, error) {
	c, err := Decode(raw)
	if err != nil || c.Kind != KindJWT {
		return c, err
	}
	algs := opts.Algorithms
	if algs == nil {
		algs = DefaultAlgorithms
	}
	if !slices.Contains(algs, c.Alg) {
		c.Signature = SigAlgorithm
		c.SignatureNote = fmt.Sprintf("The token is signed with %q, which is not in the allowed list (%s).", c.Alg, strings.Join(algs, ", "))
		return c, nil
	}
	if why := critProblem(raw); why != "" {
		c.Signature = SigCritical
		c.SignatureNote = why
		return c, nil
	}
	if len(opts.JWKS) == 0 {
		c.Signature = SigNotChecked
		c.SignatureNote = "No JWKS was available, so the signature was not checked."
		return c, nil
	}
	if _, err := ParseJWKS(opts.JWKS); err != nil {
		c.Signature = SigNotChecked
		c.SignatureNote = "The instance's JWKS could not be used, so the signature was not checked: " + err.Error()
		return c, nil
	}
	var set jwkset.JWKSMarshal
	store, err := jwkset.Storage(nil), json.Unmarshal(opts.JWKS, &set)
	if err == nil {
		store, err = set.ToStorage()
	}
	var refused string
	if err == nil {
		store, refused, err = signingKeys(store, c.Kid)
	}
	if err != nil {
		c.Signature = SigNotChecked
		c.SignatureNote = "The instance's JWKS could not be used, so the signature was not checked: " + err.Error()
		return c, nil
	}
	if refused != "" {
		c.Signature = SigKeyNotForSigning
		c.SignatureNote = refused
		return c, nil
	}
	// Only the keys that may verify signatures are offered to the library.
	kf, err := keyfunc.New(keyfunc.Options{Storage: store})
	if err != nil {
		c.Signature = SigNotChecked
		c.SignatureNote = "The instance's JWKS could not be used, so the signature was not checked: " + err.Error()
		return c, nil
	}
	parser := jwt.NewParser(jwt.WithValidMethods(algs), jwt.WithoutClaimsValidation())
	_, err = parser.Parse(strings.TrimSpace(raw), kf.Keyfunc)
	switch {
	case err == nil:
		c.Signature = SigVerified
		c.SignatureNote = ""
		if c.Kid != "" {
			c.SignatureNote = fmt.Sprintf("Verified with key %q from the instance's JWKS.", c.Kid)
		}
	case errors.Is(err, jwkset.ErrKeyNotFound):
		c.Signature = SigUnknownKey
		c.SignatureNote = fmt.Sprintf("The instance's JWKS has no key with kid %q.", c.Kid)
	case errors.Is(err, jwt.ErrTokenUnverifiable):
		// keyfunc refused the key (alg mismatch with the JWK, unusable key).
		c.Signature = SigInvalid
		c.SignatureNote = "No key in the instance's JWKS can check this token: " + err.Error()
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		c.Signature = SigInvalid
		c.SignatureNote = "The signature does not match the instance's key; the token was changed or signed by someone else."
	default:
		c.Signature = SigInvalid
		c.SignatureNote = "The signature could not be verified: " + err.Error()
	}
	return c, nil
}

// Expired reports whether the token expired before now, allowing leeway.
func (c Claims) Expired(now time.Time, leeway time.Duration) bool {
	return !c.Expires.IsZero() && now.After(c.Expires.Add(leeway))
}

// NotYetValid reports whether nbf (or iat when nbf is absent) is after now, allowing leeway.
func (c Claims) NotYetValid(now time.Time, leeway time.Duration) bool {
	start := c.NotBefore
	if start.IsZero() {
		start = c.IssuedAt
	}
	return !start.IsZero() && start.After(now.Add(leeway))
}

// Verified reports whether the signature was checked and matched.
func (c Claims) Verified() bool { return c.Signature == SigVerified }
