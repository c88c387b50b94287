package check

// Finding codes: the contract between check, guide, the UI, the CLI's JSON and tests.
// guide/ must have an explanation for every code in Codes (a test enforces it).
// Never rename a code; add new ones.
const (
	// Network (any step).
	NetDNS               = "net.dns"     // host name does not resolve
	NetRefused           = "net.refused" // connection refused
	NetTimeout           = "net.timeout" // no answer within the profile's timeout
	NetReset             = "net.reset"   // connection reset / closed mid-response
	NetTLSUnknownAuth    = "net.tls_unknown_authority"
	NetTLSHostname       = "net.tls_hostname_mismatch"
	NetTLSExpired        = "net.tls_expired"
	NetTLSOther          = "net.tls_other"
	NetTLSInsecure       = "net.tls_insecure" // warn: certificate checks are turned off
	NetProxy             = "net.proxy"        // proxy refused or unreachable
	NetCancelled         = "net.cancelled"    // the user cancelled the run
	NetOther             = "net.other"
	NetInsecureHTTP      = "net.insecure_http"       // warn: http:// to a non-loopback host
	NetRedirectCrossHost = "net.redirect_cross_host" // redirect to another host; credentials not forwarded
	NetBodyTruncated     = "net.body_truncated"      // info: response larger than the cap
	NetSlow              = "net.slow"                // warn: a step took long (limits in slow.go); says who would time out

	// The credential gate (gate.go): a request refused because of where its credential
	// would go; nothing was sent.
	GateSecretForeignHost = "gate.secret_foreign_host" // fail: the client secret to a host the profile does not name for it
	GateTokenForeignHost  = "gate.token_foreign_host"  // fail: a token (or password) to a host the profile does not name or confirm
	GateSecretMoved       = "gate.secret_moved"        // fail: the secret to a host it was not stored for (the profile changed hosts)
	GateOtherSettings     = "gate.other_settings"      // fail: a token with the connection settings of another profile than its own
	GateUndeclared        = "gate.undeclared"          // fail: a request carried a credential its site did not declare (a defect)

	// Configuration (the profile itself).
	ConfigInvalid = "config.invalid" // fail: a profile setting cannot be used (instance URL, CA file, proxy)

	// Reachability.
	ReachOK               = "reach.ok"                    // info: server answered, version in evidence
	ReachNotERPNet        = "reach.not_erpnet"            // /tools/ver and standardmodel don't look like ERP.net
	ReachAutoDiscMissing  = "reach.autodiscovery_missing" // warn: neither auto-discovery path answered
	ReachODataRootDiffers = "reach.odata_root_differs"    // warn: auto-discovery's DomainAPI root differs from the profile's
	ReachSiteNotWorking   = "reach.site_not_working"      // warn: auto-discovery lists a site with Status NotWorking
	ReachHTTPError        = "reach.http_error"            // fail: instance root answers 4xx/5xx everywhere
	// warn: auto-discovery names an API site (DomainAPI's OData root, TableAPI) on
	// another origin than the instance, not confirmed: the token is not sent there.
	ReachAPIHostForeign = "reach.api_host_foreign"
	// info: auto-discovery names an API site on a host the user confirmed for the profile.
	ReachAPIHostConfirmed = "reach.api_host_confirmed"

	// Discovery.
	DiscGlobalIdP             = "discovery.global_idp"            // fail: authority is id.erp.net
	DiscNotFound              = "discovery.not_found"             // fail: openid-configuration 404 (wrong authority)
	DiscBadDocument           = "discovery.bad_document"          // fail: not JSON / HTML
	DiscIssuerMismatch        = "discovery.issuer_mismatch"       // fail: issuer != authority
	DiscNoClientCreds         = "discovery.no_client_credentials" // fail: grant not offered
	DiscNoTokenEndpoint       = "discovery.no_token_endpoint"
	DiscNoJWKSURI             = "discovery.no_jwks_uri"             // warn: cannot verify signatures
	DiscTokenEndpointOverride = "discovery.token_endpoint_override" // info/warn: profile override differs from discovery
	DiscJWKSUnavailable       = "discovery.jwks_unavailable"        // warn: JWKS fetch failed
	DiscJWKSInvalid           = "discovery.jwks_invalid"            // warn: JWKS not parseable / no keys
	DiscIssuerInexact         = "discovery.issuer_inexact"          // warn: issuer and authority differ only in scheme, host case, port, path or a trailing slash
	// fail: the discovered token endpoint is on another host than the authority, or plain
	// http under an https instance; the secret is not sent there.
	DiscTokenEndpointForeign = "discovery.token_endpoint_foreign"
	// warn: the profile's own token endpoint is on another host, or plain http under
	// https; the user chose it, so the secret goes there, and every report says so.
	DiscTokenEndpointProfileForeign = "discovery.token_endpoint_profile_foreign"

	// Token request (ERP.net / IdentityServer4 error codes, then our own).
	TokInvalidClient        = "token.invalid_client"
	TokUnauthorizedClient   = "token.unauthorized_client"
	TokInvalidScope         = "token.invalid_scope"
	TokInvalidGrant         = "token.invalid_grant"
	TokUnsupportedGrantType = "token.unsupported_grant_type"
	TokInvalidRequest       = "token.invalid_request"
	TokOtherError           = "token.other_error"           // an OAuth error code we do not know
	TokHTTPError            = "token.http_error"            // non-2xx without an OAuth error body (bare 401, 5xx)
	TokHTMLResponse         = "token.html_response"         // HTML where JSON was expected (login page, proxy)
	TokBadResponse          = "token.bad_response"          // 200 but not a usable token response
	TokBasicEncoding        = "token.basic_encoding_hint"   // warn: secret/id has characters Basic auth URL-encodes
	TokScopeNarrowed        = "token.scope_narrowed"        // warn: granted fewer scopes than requested
	TokScopeAllGranted      = "token.scope_all_granted"     // info: no scope sent, the app's whole Scope field granted
	TokScopeLegacy          = "token.scope_legacy"          // warn: DomainApi requested
	TokScopeUserOnly        = "token.scope_user_only"       // warn: openid/profile/offline_access requested by a service app
	TokScopeInternal        = "token.scope_internal"        // warn: sec requested (internal use only)
	TokScopeUnknown         = "token.scope_unknown"         // warn: scope name ERP.net does not document
	TokNoScopes             = "token.no_scopes"             // warn: token carries no scopes
	TokRefreshPresent       = "token.refresh_token_present" // info: unexpected for client credentials
	TokNotBearer            = "token.not_bearer"            // warn: token_type is not Bearer
	TokFromCache            = "token.from_cache"            // info: reused a cached token
	TokSupplied             = "token.supplied"              // info: a token given to inspect, not requested

	// Token inspection (tokenview via check).
	TokExpired          = "token.expired"
	TokNotYetValid      = "token.not_yet_valid"
	TokClockSkew        = "token.clock_skew" // warn: server Date vs local clock / iat differ
	TokSignatureInvalid = "token.signature_invalid"
	TokUnknownKid       = "token.unknown_kid"
	TokAlgNotAllowed    = "token.alg_not_allowed"
	TokNotVerified      = "token.not_verified" // fail: no usable JWKS, signature not checked
	// fail: the header's crit names extensions the verifier does not understand, or is
	// malformed (RFC 7515 section 4.1.11): the token is refused, signed or not.
	TokCritUnsupported = "token.crit_unsupported"
	// fail: the key that would check the signature is published for another use (use
	// "enc", or key_ops without "verify").
	TokKeyNotForSigning = "token.key_not_for_signing"
	TokIssuerMismatch   = "token.issuer_mismatch"
	TokAudienceMismatch = "token.audience_mismatch" // warn: no ERP.net API audience
	TokNoSystemUser     = "token.no_system_user"    // fail: no client_system_user claim
	TokUserToken        = "token.user_token"        // warn: looks like a user (auth-code) token: sub/db present
	TokReference        = "token.reference"         // info: enrt_ reference token
	TokOpaque           = "token.opaque"            // warn: opaque, nothing can be read
	TokMalformed        = "token.malformed"         // fail: looks like a JWT but does not decode
	TokLifetimeUnusual  = "token.lifetime_unusual"  // info: exp-iat is not 3600
	TokIssuerInexact    = "token.issuer_inexact"    // warn: iss differs from the discovery issuer only in scheme, host case, port, path or a trailing slash

	// API calls.
	APIOK               = "api.ok"                 // info
	APIUnauthorized     = "api.unauthorized"       // 401, cause unknown
	APITokenExpired     = "api.token_expired"      // 401 invalid_token, expired
	APIForeignIssuer    = "api.foreign_issuer"     // 401 token issued by another instance
	APIBadSignature     = "api.bad_signature"      // 401 signature rejected
	APIForbiddenScope   = "api.forbidden_scope"    // 403 write without update
	APIForbidden        = "api.forbidden"          // 403 other
	APINotFound         = "api.not_found"          // 404 (wrong OData root or entity set)
	APIMethodNotAllowed = "api.method_not_allowed" // 405
	APIRateLimited      = "api.rate_limited"       // 429 (Retry-After in evidence)
	APILicenseExhausted = "api.license_exhausted"  // MaximumLicenseCountExceeded
	APIODataError       = "api.odata_error"        // business error body
	APIServerError      = "api.server_error"       // 5xx without an OData body
	APILoginPage        = "api.login_page"         // HTML login page instead of JSON
	APIRedirect         = "api.redirect"           // 3xx (not followed with the token)
	APINotJSON          = "api.not_json"           // 2xx but not JSON where JSON was expected
	APIClientError      = "api.client_error"       // other 4xx

	// Least privilege: advice about what to narrow. Never part of a step, never
	// changes a verdict (not even with --strict); see check/privilege.go.
	PrivUpdateUnused    = "privilege.update_unused"    // update granted (or in Scope) while every call only reads
	PrivSecScope        = "privilege.sec_scope"        // sec granted or in Scope
	PrivInteractiveUser = "privilege.interactive_user" // the System User is an InternalUser (can sign in)
	PrivAdminUser       = "privilege.admin_user"       // the System User is an administrator
	PrivReferenceTokens = "privilege.reference_tokens" // ReferenceTokens is not None
	PrivBasicAuth       = "privilege.basic_auth"       // BasicAuthenticationAllowed is on
	PrivSecretOld       = "privilege.secret_old"       // the secret is older than the rotation age
)

// Evidence keys, shared by check and guide.
const (
	EvURL             = "url"
	EvHost            = "host"
	EvStatus          = "status"
	EvError           = "error"             // OAuth error code or transport error text
	EvDescription     = "error_description" // OAuth error_description / OData message
	EvRequested       = "requested"         // space-delimited scopes
	EvGranted         = "granted"
	EvMissing         = "missing"
	EvScope           = "scope" // the single scope a finding is about
	EvExpected        = "expected"
	EvActual          = "actual"
	EvIssuer          = "issuer"
	EvAuthority       = "authority"
	EvClientID        = "client_id"
	EvAuthMethod      = "auth_method" // post | basic
	EvKid             = "kid"
	EvAlg             = "alg"
	EvExpires         = "expires" // RFC 3339
	EvSkew            = "skew"    // duration text
	EvRetryAfter      = "retry_after"
	EvWWWAuthenticate = "www_authenticate"
	EvMethod          = "method"
	EvPath            = "path"
	EvVersion         = "version"
	EvODataCode       = "odata_code"
	EvODataType       = "odata_type"
	EvLocation        = "location"
	EvContentType     = "content_type"
	EvSize            = "size"
	EvCap             = "cap"
	EvTimeout         = "timeout"
	EvProxy           = "proxy"
	EvProxyRoute      = "proxy_route" // where the proxy was chosen: "environment HTTPS_PROXY → proxy:3128"
	EvProxyAuth       = "proxy_auth"  // what became of the sign-in the proxy asked for
	EvCertSubject     = "cert_subject"
	EvCertExpiry      = "cert_expiry"
	EvLifetime        = "lifetime"
	EvField           = "field"         // the profile field a config finding is about
	EvKids            = "kids"          // key ids in the JWKS
	EvDate            = "date"          // server Date header
	EvCalls           = "calls"         // how many API calls the profile makes
	EvSystemUser      = "system_user"   // the System User's login
	EvUserType        = "user_type"     // the System User's UserType
	EvAgeDays         = "age_days"      // how old something is, in whole days
	EvSince           = "since"         // a date (YYYY-MM-DD) an age counts from
	EvRotationDays    = "rotation_days" // the rotation age, in days
	EvSource          = "source"        // where a fact was read: "token", "record" or "profile"
	EvElapsed         = "elapsed"       // how long a request took (net.slow)
	EvThreshold       = "threshold"     // the limit it was judged against
	EvShare           = "share"         // the share of the per-call timeout it used, e.g. "60%"
	EvClients         = "clients"       // integrations that would time out, or reject an issuer
	EvAtRisk          = "at_risk"       // integrations whose time budget it uses more than half of
	EvDiffers         = "differs"       // what differs between two issuer values
	EvAdjusted        = "adjusted"      // why a finding's severity was changed by later evidence
	EvCredential      = "credential"    // what the credential gate refused: "client secret", "access token", "password"
	EvRefusedHost     = "refused_host"  // the origin the gate refused (scheme://host[:port])
	EvNamedHosts      = "named_hosts"   // the origins the profile names for that credential, space-separated
	EvTokenProfile    = "token_profile" // the profile a token was issued for
	EvSite            = "site"          // an auto-discovery site type: DomainAPI, TableAPI
	EvLimit           = "limit"         // the rate limit a 429 is about (a config key)
	EvLimitDefault    = "limit_default" // that limit's documented default
)

// Codes lists every finding code with its default severity.
var Codes = map[string]Severity{
	NetDNS: SevFail, NetRefused: SevFail, NetTimeout: SevFail, NetReset: SevFail,
	NetTLSUnknownAuth: SevFail, NetTLSHostname: SevFail, NetTLSExpired: SevFail, NetTLSOther: SevFail,
	NetTLSInsecure: SevWarn, NetProxy: SevFail, NetCancelled: SevFail, NetOther: SevFail,
	NetInsecureHTTP: SevWarn, NetRedirectCrossHost: SevWarn, NetBodyTruncated: SevInfo, NetSlow: SevWarn,
	ConfigInvalid:         SevFail,
	GateSecretForeignHost: SevFail, GateTokenForeignHost: SevFail, GateSecretMoved: SevFail, GateOtherSettings: SevFail, GateUndeclared: SevFail,
	ReachAPIHostForeign: SevWarn, ReachAPIHostConfirmed: SevInfo,

	ReachOK: SevInfo, ReachNotERPNet: SevWarn, ReachAutoDiscMissing: SevWarn,
	ReachODataRootDiffers: SevWarn, ReachSiteNotWorking: SevWarn, ReachHTTPError: SevFail,

	DiscGlobalIdP: SevFail, DiscNotFound: SevFail, DiscBadDocument: SevFail, DiscIssuerMismatch: SevFail,
	DiscNoClientCreds: SevFail, DiscNoTokenEndpoint: SevFail, DiscNoJWKSURI: SevWarn,
	DiscTokenEndpointOverride: SevInfo, DiscJWKSUnavailable: SevWarn, DiscJWKSInvalid: SevWarn, DiscIssuerInexact: SevWarn,
	DiscTokenEndpointForeign: SevFail, DiscTokenEndpointProfileForeign: SevWarn,

	TokInvalidClient: SevFail, TokUnauthorizedClient: SevFail, TokInvalidScope: SevFail,
	TokInvalidGrant: SevFail, TokUnsupportedGrantType: SevFail, TokInvalidRequest: SevFail,
	TokOtherError: SevFail, TokHTTPError: SevFail, TokHTMLResponse: SevFail, TokBadResponse: SevFail,
	TokBasicEncoding: SevWarn, TokScopeNarrowed: SevWarn, TokScopeAllGranted: SevInfo,
	TokScopeLegacy: SevWarn, TokScopeUserOnly: SevWarn, TokScopeInternal: SevWarn, TokScopeUnknown: SevWarn,
	TokNoScopes: SevWarn, TokRefreshPresent: SevInfo, TokNotBearer: SevWarn, TokFromCache: SevInfo, TokSupplied: SevInfo,

	TokExpired: SevFail, TokNotYetValid: SevFail, TokClockSkew: SevWarn, TokSignatureInvalid: SevFail,
	TokUnknownKid: SevFail, TokAlgNotAllowed: SevFail, TokNotVerified: SevFail, TokIssuerMismatch: SevFail,
	TokCritUnsupported: SevFail, TokKeyNotForSigning: SevFail,
	TokAudienceMismatch: SevWarn, TokNoSystemUser: SevFail, TokUserToken: SevWarn, TokReference: SevInfo,
	TokOpaque: SevWarn, TokMalformed: SevFail, TokLifetimeUnusual: SevInfo, TokIssuerInexact: SevWarn,

	APIOK: SevInfo, APIUnauthorized: SevFail, APITokenExpired: SevFail, APIForeignIssuer: SevFail,
	APIBadSignature: SevFail, APIForbiddenScope: SevFail, APIForbidden: SevFail, APINotFound: SevFail,
	APIMethodNotAllowed: SevFail, APIRateLimited: SevWarn, APILicenseExhausted: SevFail,
	APIODataError: SevFail, APIServerError: SevFail, APILoginPage: SevFail, APIRedirect: SevFail,
	APINotJSON: SevWarn, APIClientError: SevFail,

	PrivUpdateUnused: SevInfo, PrivSecScope: SevInfo, PrivInteractiveUser: SevInfo, PrivAdminUser: SevInfo,
	PrivReferenceTokens: SevInfo, PrivBasicAuth: SevInfo, PrivSecretOld: SevInfo,
}
