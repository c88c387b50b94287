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

// CacheMargin is how long before expiry a cached token stops being reused: a token is
// handed out only while it is valid for at least this much longer.
const CacheMargin = 60 * time.Second

// Where a token is kept for reuse (CachedToken.Where, SessionCost.TokenReuse).
const (
	KeptInKeychain = "keychain" // the OS keychain: later processes and app restarts reuse it
	KeptInMemory   = "memory"   // this process only
	KeptNowhere    = "none"     // not cached (no lifetime, or a supplied token)
)

// CachedToken is a token from the cache with what is known about its ERP.net session.
type CachedToken struct {
	Token *AccessToken
	Info  TokenInfo
	// SessionOpened and LastCall are when an earlier run's first API call with this
	// token opened its session, and when its last call was; zero when it made none.
	SessionOpened, LastCall time.Time
	// Where is KeptInKeychain or KeptInMemory.
	Where string
}

type cachedToken struct {
	raw                     string
	info                    TokenInfo
	expires                 time.Time
	sessionOpened, lastCall time.Time
	where                   string
}

// TokenCache keeps issued tokens for reuse: in memory, and, when it has a TokenVault
// (the OS keychain), there too, so other processes and later starts of the app reuse
// them. Each reuse avoids a new ERP.net session, which would hold a licence slot for
// at least 20 minutes. A token is never written to a file. It is safe for concurrent
// use.
type TokenCache struct {
	mu      sync.Mutex
	entries map[CacheKey]cachedToken
	vault   TokenVault
	// vaultDown is why the vault cannot be used, once a call has failed: the rest of
	// the process keeps tokens in memory only.
	vaultDown error
}

// NewTokenCache returns an empty in-memory cache.
func NewTokenCache() *TokenCache { return &TokenCache{entries: map[CacheKey]cachedToken{}} }

// NewVaultTokenCache returns an empty cache that also keeps tokens in v.
func NewVaultTokenCache(v TokenVault) *TokenCache {
	c := NewTokenCache()
	c.vault = v
	return c
}

var defaultCache = NewTokenCache()

// DefaultCache is the process-wide in-memory cache used when Options.Cache is nil.
func DefaultCache() *TokenCache { return defaultCache }

// Lookup returns the cached token for k if it is still good at now (valid for at
// least CacheMargin more), from memory or else from the vault. An entry past that
// point, or a vault entry made with another secret, is dropped.
func (c *TokenCache) Lookup(k CacheKey, now time.Time) (CachedToken, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[k]; ok {
		if now.Before(e.expires.Add(-CacheMargin)) {
			return e.public(), true
		}
		delete(c.entries, k)
		c.vaultDeleteLocked(k)
		return CachedToken{}, false
	}
	e, ok := c.vaultLoadLocked(k, now)
	if !ok {
		return CachedToken{}, false
	}
	c.entries[k] = e
	return e.public(), true
}

func (e cachedToken) public() CachedToken {
	info := e.info
	info.FromCache = true
	return CachedToken{Token: NewAccessToken(e.raw), Info: info, SessionOpened: e.sessionOpened, LastCall: e.lastCall, Where: e.where}
}

// Store keeps a token until expires, in the vault when there is one and the token
// fits, else in memory; it says where and, for memory only, why. A token without a
// known expiry is not cached.
func (c *TokenCache) Store(k CacheKey, tok *AccessToken, info TokenInfo, expires time.Time) (where, why string) {
	if tok == nil || tok.Reveal() == "" || expires.IsZero() {
		return KeptNowhere, "the token response gave no lifetime (expires_in), so the token is not reused"
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[CacheKey]cachedToken{}
	}
	// A token of the same app and scopes made with another (old) secret goes.
	for other := range c.entries {
		if other != k && vaultAccount(other) == vaultAccount(k) {
			delete(c.entries, other)
		}
	}
	e := cachedToken{raw: tok.Reveal(), info: info, expires: expires, where: KeptInMemory}
	e.info.FromCache = false
	if c.vault != nil {
		if why = c.vaultSaveLocked(k, e); why == "" {
			e.where = KeptInKeychain
		}
	}
	c.entries[k] = e
	return e.where, why
}

// NoteSession records that an API call with k's token opened (or used) its ERP.net
// session: opened is when the session opened, last when its latest call was. Later
// runs use it to say whether they reuse that session.
func (c *TokenCache) NoteSession(k CacheKey, opened, last time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok {
		return
	}
	e.sessionOpened, e.lastCall = opened, last
	c.entries[k] = e
	if e.where == KeptInKeychain {
		if why := c.vaultSaveLocked(k, e); why != "" {
			e.where = KeptInMemory
			c.entries[k] = e
		}
	}
}

// Drop forgets the token for k, in memory and in the vault (for example after an API
// call said it is invalid).
func (c *TokenCache) Drop(k CacheKey) {
	c.mu.Lock()
	delete(c.entries, k)
	c.vaultDeleteLocked(k)
	c.mu.Unlock()
}

// DropClient forgets every in-memory token of a client, whatever its other key parts.
// Keychain entries are found only by their whole key; they expire with their token.
func (c *TokenCache) DropClient(clientID string) {
	c.mu.Lock()
	for k := range c.entries {
		if k.ClientID == clientID {
			delete(c.entries, k)
		}
	}
	c.mu.Unlock()
}

// Clear forgets every in-memory token.
func (c *TokenCache) Clear() {
	c.mu.Lock()
	c.entries = map[CacheKey]cachedToken{}
	c.mu.Unlock()
}

// Len is the number of tokens in memory.
func (c *TokenCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// VaultProblem is why this cache keeps tokens in memory only although it has a vault
// (the keychain failed), or nil.
func (c *TokenCache) VaultProblem() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.vaultDown
}
