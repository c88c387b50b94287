package check

import (
	"sync"
	"time"
)

// CacheKey identifies a cached token: a change to any part drops the token.
type CacheKey struct {
	TokenEndpoint     string
	ClientID          string
	AuthMethod        string
	Scopes            string // requested scopes, sorted and space-joined
	SecretFingerprint string // hex SHA-256 of the secret, never the secret
}

type cachedToken struct {
	raw     string
	info    TokenInfo
	expires time.Time
}

// TokenCache keeps issued tokens in memory only, never on disk.
type TokenCache struct {
	mu      sync.Mutex
	entries map[CacheKey]cachedToken
}

// NewTokenCache returns an empty cache.
func NewTokenCache() *TokenCache { return &TokenCache{entries: map[CacheKey]cachedToken{}} }
