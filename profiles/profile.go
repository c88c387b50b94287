// Package profiles holds connection profiles (plain data), their JSON store and the
// OS-keyring secrets that go with them, and (in manage.go) the operations on a profile
// together with its secret, for the CLI and the app alike: save, rename, duplicate,
// delete, import and the sandbox's setup. A secret never appears in a Profile.
package profiles

import (
	"net/url"
	"strings"
	"time"
)

// AuthMethod is how the client authenticates at the token endpoint.
// It is always explicit: the tool never auto-detects (see docs/decisions.md).
type AuthMethod string

const (
	// AuthPost sends client_id and client_secret as form fields (client_secret_post),
	// the style ERP.net's documentation shows. It is the default.
	AuthPost AuthMethod = "post"
	// AuthBasic sends them in an HTTP Basic Authorization header (client_secret_basic).
	AuthBasic AuthMethod = "basic"
)

// Environment labels shown with a colour in the UI. Any other text is allowed too.
const (
	EnvProduction = "Production"
	EnvTest       = "Test"
	EnvSandbox    = "Sandbox"
)

// IsProduction reports whether an environment label means production (Production,
// prod or live, in any case): the label the app warns about before it costs licences.
func IsProduction(env string) bool {
	switch strings.ToLower(strings.TrimSpace(env)) {
	case strings.ToLower(EnvProduction), "prod", "live":
		return true
	}
	return false
}

// APICall is one request made with the token after it is issued.
// Path is relative to the instance root ("/api/domain/odata/...") or an absolute URL.
type APICall struct {
	Name   string `json:"name,omitempty"`
	Method string `json:"method"`
	Path   string `json:"path"`
	Body   string `json:"body,omitempty"`

	unknown unknownFields // members a newer version added (unknown.go)
}

// TLSOptions are the profile's TLS settings.
type TLSOptions struct {
	// CAFile is an extra PEM bundle trusted in addition to the system roots.
	CAFile string `json:"ca_file,omitempty"`
	// InsecureSkipVerify turns certificate checks off. Only ever an explicit choice.
	InsecureSkipVerify bool `json:"insecure_skip_verify,omitempty"`

	unknown unknownFields // members a newer version added (unknown.go)
}

// Profile is one Trusted App on one instance. It holds no secret.
type Profile struct {
	Name        string `json:"name"`
	Environment string `json:"environment,omitempty"`
	// InstanceURL is the instance root, e.g. https://acme.my.erp.net.
	InstanceURL string `json:"instance_url"`
	// Optional explicit overrides; empty means derived from InstanceURL.
	Authority     string `json:"authority,omitempty"`
	TokenEndpoint string `json:"token_endpoint,omitempty"`
	ODataRoot     string `json:"odata_root,omitempty"`

	ClientID   string     `json:"client_id"`
	AuthMethod AuthMethod `json:"auth_method,omitempty"`
	// Scopes requested; empty means the token request carries no scope parameter.
	Scopes []string `json:"scopes,omitempty"`

	Calls []APICall `json:"calls,omitempty"`

	TLS TLSOptions `json:"tls,omitzero"`
	// Proxy is an explicit proxy URL; empty means the environment's (HTTPS_PROXY, ...).
	Proxy string `json:"proxy,omitempty"`
	// TimeoutSeconds bounds each network call; 0 means DefaultTimeout.
	TimeoutSeconds int `json:"timeout_seconds,omitempty"`

	Notes string `json:"notes,omitempty"`
	// Tags group profiles (a customer, a region, a contract): the fleet view and
	// searches filter by them. See NormalizeTags.
	Tags []string `json:"tags,omitempty"`
	// Sandbox marks profiles created for the built-in sandbox.
	Sandbox bool `json:"sandbox,omitempty"`

	Created     time.Time `json:"created"`
	Updated     time.Time `json:"updated"`
	SecretSetAt time.Time `json:"secret_set_at,omitzero"`

	// Where the credentials may go besides what the fields above name (hosts.go; the
	// credential gate in check enforces it).
	// ConfirmedHosts are origins (https://host[:port]) the user confirmed may receive
	// this profile's access token besides the instance: where the instance's
	// auto-discovery names a Domain or Table API on another host.
	ConfirmedHosts []string `json:"confirmed_hosts,omitempty"`
	// SecretFor are the origins the client secret was stored for (SecretOrigins when it
	// was set): it is sent nowhere else, whatever the profile names later, until it is
	// moved (MoveSecret) or set again. Empty for a secret stored before it was recorded.
	SecretFor []string `json:"secret_for,omitempty"`

	unknown unknownFields // members a newer version added (unknown.go)
}

// DefaultTimeout bounds each network call when a profile sets none.
const DefaultTimeout = 30 * time.Second

// DefaultCalls are the API calls run after a token when a profile lists none
// (erpnet-reference.md section 6).
func DefaultCalls() []APICall {
	return []APICall{
		{Name: "Current model", Method: "GET", Path: "/api/domain/currentmodel"},
		{Name: "OData metadata", Method: "GET", Path: "/api/domain/odata/$metadata"},
		{Name: "Customers", Method: "GET", Path: "/api/domain/odata/Crm_Sales_Customers?$top=5"},
	}
}

// Root is the instance root without a trailing slash.
func (p Profile) Root() string { return strings.TrimRight(strings.TrimSpace(p.InstanceURL), "/") }

// Host is the instance's host[:port] (the whole root when it does not parse): what
// rate limits and tokens are per.
func (p Profile) Host() string {
	if u, err := url.Parse(p.Root()); err == nil && u.Host != "" {
		return u.Host
	}
	return p.Root()
}

// AuthorityURL is the Identity Server authority: the override, or {root}/id.
func (p Profile) AuthorityURL() string {
	if a := strings.TrimSpace(p.Authority); a != "" {
		return strings.TrimRight(a, "/")
	}
	return p.Root() + "/id"
}

// TokenURL is the token endpoint override, or empty when discovery should tell.
// Use check's discovery result, falling back to AuthorityURL()+"/connect/token".
func (p Profile) TokenURL() string { return strings.TrimSpace(p.TokenEndpoint) }

// ODataRootURL is the OData root override, or {root}/api/domain/odata/.
func (p Profile) ODataRootURL() string {
	if o := strings.TrimSpace(p.ODataRoot); o != "" {
		return strings.TrimRight(o, "/") + "/"
	}
	return p.Root() + "/api/domain/odata/"
}

// Method is the profile's auth method, defaulting to form body.
func (p Profile) Method() AuthMethod {
	if p.AuthMethod == AuthBasic {
		return AuthBasic
	}
	return AuthPost
}

// Timeout is the per-call timeout.
func (p Profile) Timeout() time.Duration {
	if p.TimeoutSeconds > 0 {
		return time.Duration(p.TimeoutSeconds) * time.Second
	}
	return DefaultTimeout
}

// EffectiveCalls is the profile's calls, or DefaultCalls when none are set.
func (p Profile) EffectiveCalls() []APICall {
	if len(p.Calls) > 0 {
		return p.Calls
	}
	return DefaultCalls()
}

// ResolveCall turns a call path into an absolute URL against the instance root.
func (p Profile) ResolveCall(c APICall) string {
	if u, err := url.Parse(c.Path); err == nil && u.IsAbs() {
		return c.Path
	}
	path := c.Path
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return p.Root() + path
}
