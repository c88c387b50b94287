package check

import (
	"strings"
	"sync"
	"time"

	"trustedapp-tester/profiles"
	"trustedapp-tester/tokenview"
)

// CacheKey identifies a cached token: a change to any part drops the token.
type CacheKey struct {
	TokenEndpoint     string
	ClientID          string
	AuthMethod        string
	Scopes            string // requested scopes, sorted and space-joined
	SecretFingerprint string // hex SHA-256 of the secret, never the secret
}

// NewCacheKey builds the key for a token request. The secret is only fingerprinted.
func NewCacheKey(tokenEndpoint string, p profiles.Profile, secret string) CacheKey {
	return CacheKey{
		TokenEndpoint:     strings.TrimSpace(tokenEndpoint),
		ClientID:          p.ClientID,
		AuthMethod:        string(p.Method()),
		Scopes:            tokenview.SortedScopes(p.Scopes),
		SecretFingerprint: Fingerprint(secret),
	}
}

// CacheMargin is how long before expiry a cached token stops being reused.
const CacheMargin = 60 * time.Second

type cachedToken struct {
	raw     string
	info    TokenInfo
	expires time.Time
}

// TokenCache keeps issued tokens in memory only, never on disk. It is safe for
// concurrent use.
type TokenCache struct {
	mu      sync.Mutex
	entries map[CacheKey]cachedToken
}

// NewTokenCache returns an empty cache.
func NewTokenCache() *TokenCache { return &TokenCache{entries: map[CacheKey]cachedToken{}} }

var defaultCache = NewTokenCache()

// DefaultCache is the process-wide cache used when Options.Cache is nil.
func DefaultCache() *TokenCache { return defaultCache }

// Get returns the cached token for k if it is still good at now (more than
// CacheMargin before expiry). An entry past that point is dropped.
func (c *TokenCache) Get(k CacheKey, now time.Time) (*AccessToken, TokenInfo, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok {
		return nil, TokenInfo{}, false
	}
	if !now.Before(e.expires.Add(-CacheMargin)) {
		delete(c.entries, k)
		return nil, TokenInfo{}, false
	}
	info := e.info
	info.FromCache = true
	return NewAccessToken(e.raw), info, true
}

// Put stores a token until expires. A token without a known expiry is not cached.
func (c *TokenCache) Put(k CacheKey, tok *AccessToken, info TokenInfo, expires time.Time) {
	if tok == nil || tok.Reveal() == "" || expires.IsZero() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[CacheKey]cachedToken{}
	}
	c.entries[k] = cachedToken{raw: tok.Reveal(), info: info, expires: expires}
}

// Drop forgets the token for k (for example after an API call said it is invalid).
func (c *TokenCache) Drop(k CacheKey) {
	c.mu.Lock()
	delete(c.entries, k)
	c.mu.Unlock()
}

// DropClient forgets every token of a client, whatever its other key parts.
func (c *TokenCache) DropClient(clientID string) {
	c.mu.Lock()
	for k := range c.entries {
		if k.ClientID == clientID {
			delete(c.entries, k)
		}
	}
	c.mu.Unlock()
}

// Clear forgets every token.
func (c *TokenCache) Clear() {
	c.mu.Lock()
	c.entries = map[CacheKey]cachedToken{}
	c.mu.Unlock()
}

// Len is the number of cached tokens.
func (c *TokenCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
