package explain

import (
	"net/http"
	"regexp"
	"strings"

	"trustedapp-tester/check"
)

// The exception and error messages other clients log, in their own words (.NET's
// System.Net.Http and Microsoft.IdentityModel, IdentityModel's discovery client,
// ERP.net's ErpNet.Api.Client, Go, curl and Python), mapped to the finding code a
// live check gives for the same condition. The explanation comes from guide. A few
// network messages also match as a Bulgarian Windows words them: the words matched
// are the ones such a message holds, not a copy of Microsoft's translation.

// pattern is one recognised message: re matches it, code is the finding, msg the
// sentence, and ev adds evidence from the match (may be nil).
type pattern struct {
	keys []string // lower-case words one of which the text must hold (a cheap filter before re)
	re   *regexp.Regexp
	code string
	msg  string
	ev   func(m []string) map[string]string
}

// mayMatch reports whether lower (the text in lower case) holds one of keys: the
// patterns are long alternations, and skipping them on text without any of their words
// keeps a long log fast.
func mayMatch(lower string, keys []string) bool {
	for _, k := range keys {
		if strings.Contains(lower, k) {
			return true
		}
	}
	return false
}

func ks(keys ...string) []string { return keys }

// submatches are the texts of a FindStringSubmatchIndex result, as FindStringSubmatch
// gives them ("" for a group that did not take part).
func submatches(t string, loc []int) []string {
	m := make([]string, len(loc)/2)
	for i := range m {
		if loc[2*i] >= 0 {
			m[i] = t[loc[2*i]:loc[2*i+1]]
		}
	}
	return m
}

func group(i int, key string) func(m []string) map[string]string {
	return func(m []string) map[string]string {
		if i < len(m) && m[i] != "" {
			return map[string]string{key: m[i]}
		}
		return nil
	}
}

// dotNetPatterns: Microsoft.IdentityModel (IDXnnnnn), ASP.NET's JwtBearer error
// descriptions, IdentityModel's discovery policy and ErpNet.Api.Client.
var dotNetPatterns = []pattern{
	{ks("idx10223", "token is expired"), regexp.MustCompile(`(?is)IDX10223\b.*?ValidTo(?: \(UTC\))?: '([^']+)'|IDX10223\b|Lifetime validation failed\. The token is expired`), check.TokExpired,
		"The token had expired when the client validated it (IDX10223): client credentials tokens live one hour; get a fresh one when it nears expiry.", group(1, check.EvExpires)},
	{ks("idx10222", "not yet valid"), regexp.MustCompile(`IDX10222\b|The token is not yet valid`), check.TokNotYetValid,
		"The token was not yet valid when the client validated it (IDX10222): the clocks of the client and the instance differ.", nil},
	{ks("idx1020", "idx10211", "issuer validation"), regexp.MustCompile(`(?s)(?:IDX10205|IDX10204|IDX10211)\b.*?Issuer: '([^']*)'|IDX1020[45]\b|IDX10211\b|Issuer validation failed`), check.TokIssuerMismatch,
		"The client rejected the token's issuer (IDX10205): the token comes from another identity server than the one it trusts.", group(1, check.EvActual)},
	{ks("idx1021", "idx1020", "audience validation"), regexp.MustCompile(`IDX1021[4]\b|IDX1020[678]\b|Audience validation failed`), check.TokAudienceMismatch,
		"The client rejected the token's audience (IDX10214): the token was not issued for the API it is used with.", nil},
	{ks("idx10501", "idx10516", "unable to match key"), regexp.MustCompile(`(?s)(?:IDX10501|IDX10516)\b.*?kid: '([^']*)'|IDX10501\b|IDX10516\b|Unable to match key`), check.TokUnknownKid,
		"The client found no signing key matching the token's kid (IDX10501): its copy of the instance's keys is old, or the token comes from another instance.", group(1, check.EvKid)},
	{ks("idx10500", "no security keys"), regexp.MustCompile(`IDX10500\b|No security keys were provided`), check.DiscJWKSUnavailable,
		"The client had no signing keys to check the token with (IDX10500): it could not read the instance's JWKS.", nil},
	{ks("idx105", "signature validation"), regexp.MustCompile(`IDX105(?:03|11|04|08)\b|Signature validation failed`), check.TokSignatureInvalid,
		"The token's signature did not verify with the keys the client has (IDX10503): the token was changed, or signed by another instance.", nil},
	{ks("idx127", "idx141", "not well formed", "three segments"), regexp.MustCompile(`IDX(?:12741|12709|12723|14100|14101|14111)\b|JWT is not well formed|must have three segments`), check.TokMalformed,
		"The client could not read the token as a JWT (IDX12741): it was cut short, has extra characters (quotes, a \"Bearer \" prefix, a line break), or is a reference token.", nil},
	{ks("idx106"), regexp.MustCompile(`IDX10(?:634|640|652)\b`), check.TokAlgNotAllowed,
		"The client does not accept the token's signing algorithm (IDX10634); ERP.net signs with RS256.", nil},
	{ks("idx208", "obtain configuration", "retrieve document"), regexp.MustCompile(`(?s)IDX2080[347]\b.*?'(https?://[^']+)'|IDX2080[347]\b|Unable to obtain configuration from|Unable to retrieve document from`), check.DiscNotFound,
		"The client could not read the identity server's discovery document (IDX20803): the authority is wrong (it is the instance root followed by /id) or unreachable.", group(1, check.EvURL)},
	{ks("token expired at"), regexp.MustCompile(`The token expired at '([^']+)'`), check.APITokenExpired,
		"The API refused the token because it had expired: get a fresh token and retry.", group(1, check.EvExpires)},
	{ks("signature key", "signature is invalid"), regexp.MustCompile(`The signature key was not found|The signature is invalid`), check.APIBadSignature,
		"The API refused the token's signature: it was changed, or signed by a key this instance does not use.", nil},
	{ks("the issuer '"), regexp.MustCompile(`The issuer '([^']*)' is invalid`), check.APIForeignIssuer,
		"The API refused the token because another identity server issued it: use this instance's authority.", group(1, check.EvIssuer)},
	{ks("the audience '"), regexp.MustCompile(`The audience '([^']*)' is invalid`), check.TokAudienceMismatch,
		"The API refused the token's audience: it was not issued for this API.", nil},
	{ks("issuer name does not match"), regexp.MustCompile(`Issuer name does not match authority:?\s*(\S*)`), check.DiscIssuerMismatch,
		"IdentityModel's discovery client refused the discovery document: its issuer differs from the authority the client was given.", group(1, check.EvActual)},
	{ks("endpoint is on a different host", "endpoint belongs to different"), regexp.MustCompile(`Endpoint (?:is on a different host than|belongs to different) authority:?\s*(\S*)`), check.DiscIssuerMismatch,
		"IdentityModel's discovery client refused the discovery document: it lists an endpoint outside the authority the client was given (a proxy, a custom URL or another instance).", group(1, check.EvActual)},
	{ks("error connecting to"), regexp.MustCompile(`Error connecting to (\S+?openid-configuration)[:.]? ?Not Found`), check.DiscNotFound,
		"The discovery document was not found (404): the authority is wrong; ERP.net's is the instance root followed by /id.", group(1, check.EvURL)},
	{ks("https required"), regexp.MustCompile(`HTTPS required`), check.NetInsecureHTTP,
		"The client refused an http:// authority (HTTPS required): use the instance's https:// address.", nil},
	{ks("the id site for database"), regexp.MustCompile(`The ID site for database '([^']*)' is not started`), check.ReachSiteNotWorking,
		"ErpNet.Api.Client found no running identity (ID) site in the instance's auto-discovery.", group(1, check.EvURL)},
}

// idxRE is a Microsoft.IdentityModel message id.
var idxRE = regexp.MustCompile(`IDX\d{5}`)

// tokenReasonRE is ErpNet.Api.Client's "returned an error: <reason phrase>." when the
// token endpoint answered without an OAuth error body (IdentityModel then reports the
// HTTP reason phrase as the error).
var tokenReasonRE = regexp.MustCompile(`RequestClientCredentialsTokenAsync returned an error: ([A-Za-z][A-Za-z ]+)\.`)

// match finds the first of ps the text holds: the finding, with the line that
// matched, the URL and host named in the text and the pattern's own evidence.
func match(t, lower string, ps []pattern) (check.Finding, bool) {
	for _, p := range ps {
		if !mayMatch(lower, p.keys) {
			continue
		}
		loc := p.re.FindStringSubmatchIndex(t)
		if loc == nil {
			continue
		}
		ev := map[string]string{check.EvError: errorLine(t, loc)}
		u := firstURL(t)
		if h := hostOf(t, u); h != "" {
			ev[check.EvHost] = h
		}
		if u != "" {
			ev[check.EvURL] = u
		}
		if p.ev != nil {
			for k, v := range p.ev(submatches(t, loc)) {
				ev[k] = v
			}
		}
		return check.NewFinding(p.code, p.msg, ev), true
	}
	return check.Finding{}, false
}

func dotNet(t, lower string) (check.Finding, string, bool) {
	if f, ok := match(t, lower, dotNetPatterns); ok {
		what := "a .NET exception message"
		if id := idxRE.FindString(t); id != "" {
			what += " (" + id + ")"
		}
		return f, what, true
	}
	if m := tokenReasonRE.FindStringSubmatch(t); strings.Contains(t, "RequestClientCredentialsTokenAsync") && m != nil {
		for code := 300; code < 600; code++ {
			if strings.EqualFold(http.StatusText(code), strings.TrimSpace(m[1])) {
				return check.ClassifyTokenAnswer(code, nil, nil), "an ErpNet.Api.Client exception (the token endpoint answered " + m[1] + ")", true
			}
		}
	}
	return check.Finding{}, "", false
}

// networkPatterns: transport errors, most specific first (a TLS hostname or expiry
// before the general "certificate verify failed").
var networkPatterns = []pattern{
	{ks("proxy"), regexp.MustCompile(`(?i)proxy tunnel request to proxy '([^']+)' failed|407 Proxy Authentication Required|proxyconnect|proxy error`), check.NetProxy,
		"The proxy between the client and the instance refused or could not pass the request.", group(1, check.EvProxy)},
	{ks("no such host", "name or service", "nodename", "name resolution", "resolve", "getaddrinfo", "nameresolution", "хост"), regexp.MustCompile(`(?i)no such host is known|name or service not known|nodename nor servname provided|temporary failure in name resolution|could not resolve host|no such host|getaddrinfo failed|NameResolutionError|failed to resolve|(?:не е |не)известен(?: такъв)? хост|хост(?:ът)? не е известен`), check.NetDNS,
		"The client could not look up the instance's host name (DNS): check the instance URL for typos and the client's network.", nil},
	{ks("refused", "отказа"), regexp.MustCompile(`(?i)actively refused|connection refused|ECONNREFUSED|ConnectionRefusedError|активно отказа|отказа връзката`), check.NetRefused,
		"The instance's host refused the connection: nothing listens on that port, or a firewall rejects it.", nil},
	{ks("namemismatch", "valid for", "doesn't match", "does not match", "alternative certificate"), regexp.MustCompile(`(?i)RemoteCertificateNameMismatch|certificate is valid for|hostname .{0,80} doesn't match|does not match (?:the )?target host name|no alternative certificate subject name matches`), check.NetTLSHostname,
		"The TLS certificate the client saw is for another host name.", nil},
	{ks("nottimevalid", "expired", "cert_date_invalid"), regexp.MustCompile(`(?i)NotTimeValid|certificate has expired|certificate expired|CERT_DATE_INVALID`), check.NetTLSExpired,
		"The TLS certificate the client saw has expired (or the client's clock is wrong).", nil},
	{ks("untrustedroot", "partialchain", "chainerrors", "unknown authority", "local issuer", "self signed", "self-signed", "verify failed", "remote certificate is invalid"), regexp.MustCompile(`(?i)UntrustedRoot|PartialChain|RemoteCertificateChainErrors|unknown authority|unable to get local issuer certificate|self[- ]signed certificate|certificate verify failed|The remote certificate is invalid`), check.NetTLSUnknownAuth,
		"The client does not trust the TLS certificate it was shown: a TLS-inspecting proxy, or an internal CA the client does not know.", nil},
	{ks("ssl", "tls", "handshake", "secure channel"), regexp.MustCompile(`(?i)SSL connection could not be established|tls: handshake|SSL routines|handshake failure|Could not create SSL/TLS secure channel`), check.NetTLSOther,
		"The TLS handshake between the client and the instance failed.", nil},
	{ks("timeout", "canceled", "timed out", "period of time", "deadline", "изтече", "изчакване"), regexp.MustCompile(`(?i)HttpClient\.Timeout|A task was canceled|operation has timed out|timed out|did not properly respond after a period of time|context deadline exceeded|Client\.Timeout exceeded|Read ?Timeout|Connect ?Timeout|времето за изчакване|изтече времето`), check.NetTimeout,
		"The client gave up waiting for the instance to answer (a timeout).", nil},
	{ks("forcibly closed", "reset", "ended prematurely", "unexpected eof", "aborted", "remotedisconnected"), regexp.MustCompile(`(?i)forcibly closed by the remote host|connection reset|response ended prematurely|unexpected EOF|ECONNRESET|Connection aborted|RemoteDisconnected`), check.NetReset,
		"The connection was closed before the whole answer arrived.", nil},
}

func network(t, lower string) (check.Finding, bool) { return match(t, lower, networkPatterns) }
