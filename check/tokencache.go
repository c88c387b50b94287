package check

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/sentence"
	"trustedapp-tester/profiles"
)

// TokenVault keeps cached tokens where other processes find them: the OS keychain
// (profiles.TokenKeychain). Each entry is one account name and one value.
type TokenVault interface {
	// Load returns the value stored under account, or "" and nil when there is none.
	Load(account string) (string, error)
	// Save stores value under account, replacing any earlier one.
	Save(account, value string) error
	// Delete removes the entry; a missing one is not an error.
	Delete(account string) error
}

// MaxVaultBytes is the largest entry the vault is given: Windows Credential Manager
// takes 2,560 bytes, and the limit applies on every platform (like client secrets), so
// a token cached on Linux behaves as it would on Windows. A larger token stays in
// memory only.
const MaxVaultBytes = profiles.MaxSecretBytes

// vaultEntry is what the vault holds for one token. The key's parts are repeated so a
// mismatch is never handed out; the secret appears only as its SHA-256 fingerprint.
type vaultEntry struct {
	Version       int       `json:"v"`
	Endpoint      string    `json:"endpoint"`
	ClientID      string    `json:"client_id"`
	Auth          string    `json:"auth"`
	Scopes        string    `json:"scopes,omitempty"`
	SecretSHA256  string    `json:"secret_sha256"`
	Token         string    `json:"token"`
	TokenType     string    `json:"token_type,omitempty"`
	ExpiresIn     int       `json:"expires_in"`
	ObtainedAt    time.Time `json:"obtained_at"`
	Expires       time.Time `json:"expires"`
	Scope         string    `json:"scope,omitempty"`
	SessionOpened time.Time `json:"session_opened,omitzero"`
	LastCall      time.Time `json:"last_call,omitzero"`
}

const vaultVersion = 1

// vaultAccount names a key's entry. The secret is left out on purpose: a token cached
// with another secret is found under the same name, and dropped (a rotated secret
// must not leave a token of the old one in use).
func vaultAccount(k CacheKey) string {
	sum := sha256.Sum256([]byte(k.TokenEndpoint + "\n" + k.ClientID + "\n" + k.AuthMethod + "\n" + k.Scopes))
	return "token v1 " + hex.EncodeToString(sum[:20])
}

// vaultLoadLocked reads k's entry from the vault; c.mu is held. An unreadable entry,
// one of another secret, or one too close to expiry is deleted.
func (c *TokenCache) vaultLoadLocked(k CacheKey, now time.Time) (cachedToken, bool) {
	if c.vault == nil || c.vaultDown != nil {
		return cachedToken{}, false
	}
	account := vaultAccount(k)
	raw, err := c.vault.Load(account)
	if err != nil {
		c.vaultDown = err
		return cachedToken{}, false
	}
	if raw == "" {
		return cachedToken{}, false
	}
	var v vaultEntry
	if json.Unmarshal([]byte(raw), &v) != nil || v.Version != vaultVersion || v.Token == "" ||
		v.Endpoint != k.TokenEndpoint || v.ClientID != k.ClientID || v.Auth != k.AuthMethod || v.Scopes != k.Scopes ||
		v.SecretSHA256 != k.SecretFingerprint || !now.Before(v.Expires.Add(-CacheMargin)) {
		c.vaultDeleteLocked(k)
		return cachedToken{}, false
	}
	tok := NewAccessToken(v.Token)
	info := TokenInfo{Last6: tok.Last6(), Fingerprint: tok.Fingerprint(), Type: v.TokenType, ExpiresIn: v.ExpiresIn,
		ObtainedAt: v.ObtainedAt, ResponseScope: v.Scope}
	return cachedToken{raw: v.Token, info: info, expires: v.Expires, sessionOpened: v.SessionOpened, lastCall: v.LastCall, where: KeptInKeychain}, true
}

// vaultSaveLocked writes e under k; c.mu is held. It returns "" when the token is in
// the vault, else why it stays in memory only.
func (c *TokenCache) vaultSaveLocked(k CacheKey, e cachedToken) string {
	if c.vaultDown != nil {
		return vaultDownNote(c.vaultDown)
	}
	b, err := json.Marshal(vaultEntry{
		Version: vaultVersion, Endpoint: k.TokenEndpoint, ClientID: k.ClientID, Auth: k.AuthMethod, Scopes: k.Scopes,
		SecretSHA256: k.SecretFingerprint, Token: e.raw, TokenType: e.info.Type, ExpiresIn: e.info.ExpiresIn,
		ObtainedAt: e.info.ObtainedAt, Expires: e.expires, Scope: e.info.ResponseScope,
		SessionOpened: e.sessionOpened, LastCall: e.lastCall,
	})
	if err != nil {
		return "the token could not be encoded: " + err.Error()
	}
	if len(b) > MaxVaultBytes {
		// An older, smaller token of the same key must not be handed out instead.
		c.vaultDeleteLocked(k)
		return fmt.Sprintf("the token is too large to keep (%d bytes with its details; this tool keeps to %d bytes on every system, Windows Credential Manager's limit)", len(b), MaxVaultBytes)
	}
	if err := c.vault.Save(vaultAccount(k), string(b)); err != nil {
		c.vaultDown = err
		return vaultDownNote(err)
	}
	return ""
}

// vaultDownNote says why the keychain cannot keep tokens, naming it once as the
// user's system names it ("the Secret Service keyring is not available (...)").
func vaultDownNote(err error) string {
	kc, msg := platform.Keychain(), strings.TrimSuffix(err.Error(), ".")
	if rest, ok := strings.CutPrefix(msg, sentence.Capitalize(kc)); ok {
		return kc + rest
	}
	return kc + " cannot be used: " + msg
}

// vaultDeleteLocked removes k's entry; c.mu is held. Failures are ignored: the entry
// is checked again (secret, expiry) on every load.
func (c *TokenCache) vaultDeleteLocked(k CacheKey) {
	if c.vault == nil || c.vaultDown != nil {
		return
	}
	c.vault.Delete(vaultAccount(k))
}
