package guide

// OverviewURL is ERP.net's page on client credentials for service apps (the app's
// Help menu links it).
const OverviewURL = docCCOverview

// Public ERP.net documentation pages the explanations link to.
const (
	docErrors      = "https://docs.erp.net/dev/auth/flows/client-credentials/service-apps-errors.html"
	docToken       = "https://docs.erp.net/dev/auth/flows/client-credentials/service-apps-token.html"
	docCCOverview  = "https://docs.erp.net/dev/auth/flows/client-credentials/overview.html"
	docStepByStep  = "https://docs.erp.net/dev/auth/flows/client-credentials/service-apps-step-by-step.html"
	docTrustedApps = "https://docs.erp.net/dev/auth/configuration/trusted-apps-access.html"
	docIDServer    = "https://docs.erp.net/dev/auth/concepts/identity-server.html"
	docAuthorities = "https://docs.erp.net/dev/auth/concepts/identity-authorities.html"
	docScopes      = "https://docs.erp.net/dev/auth/concepts/scopes.html"
	docAccessToken = "https://docs.erp.net/dev/auth/tokens/access-tokens.html"
	docLifetime    = "https://docs.erp.net/dev/auth/tokens/token-lifetime.html"
	docReference   = "https://docs.erp.net/dev/auth/tokens/reference-access-tokens.html"
	docLicense     = "https://docs.erp.net/dev/auth/sessions/license-slot.html"
	docSessions    = "https://docs.erp.net/dev/auth/sessions/overview.html"
	docRateLimits  = "https://docs.erp.net/tech/advanced/web-sites/rate-limits.html"
	docODataErrors = "https://docs.erp.net/dev/domain-api/data-manipulation/error-handling.html"
	docSecurity    = "https://docs.erp.net/dev/auth/security-best-practices.html"
	docAPIPractice = "https://docs.erp.net/dev/building-apps/concepts/api-best-practices.html"
	docEndpoints   = "https://docs.erp.net/dev/building-apps/concepts/application-server-endpoints.html"
	docURLParts    = "https://docs.erp.net/dev/domain-api/querying-data/url-components.html"
	docDiscover    = "https://docs.erp.net/dev/domain-api/common-tasks/discover-model.html"
)

// The fields an explanation names, by where the administrator finds them.

// trustedAppField is a field of the Trusted App record (Instance Manager -> Security ->
// Trusted Apps).
func trustedAppField(name, expect string) Field {
	return Field{Where: "Trusted App", Name: name, Expect: expect}
}

// systemUserField is a field of the System User the Trusted App acts as.
func systemUserField(name, expect string) Field {
	return Field{Where: "System User", Name: name, Expect: expect}
}

// profileField is a setting of this tool's profile.
func profileField(name, expect string) Field {
	return Field{Where: "Profile", Name: name, Expect: expect}
}

// instanceField is a setting of the ERP.net instance.
func instanceField(name, expect string) Field {
	return Field{Where: "Instance", Name: name, Expect: expect}
}

// networkField is something on the way to the instance (DNS, proxy, firewall, TLS).
func networkField(name, expect string) Field {
	return Field{Where: "Network", Name: name, Expect: expect}
}

// Recurring sentences.
const (
	whereToFix   = "Open the Trusted App in Instance Manager -> Security -> Trusted Apps (on the hosted service without Instance Manager access, open a ticket at support.erp.net)."
	rotateSecret = "If the secret is unknown or was rotated, make a new one (this tool's New Trusted App…, or trustedapp-check secret new, shows it once with its hash), or compute base64(SHA-256(secret)) locally (trustedapp-check secret hash, or this tool's profile editor, shows the hash of the secret typed or stored; never paste the secret into a web page), and put the hash in ApplicationSecretHash; on the hosted service send only that hash in the support ticket."
	rerunFresh   = "Run the check again with a fresh token (trustedapp-check check PROFILE --fresh, or Run in the app); the Token step should pass."
	rerunCheck   = "Run the check again; this finding should be gone."
)

// catalogue is the one table of explanations, keyed by the codes in check/codes.go.
var catalogue = map[string]entry{
	// ---------------------------------------------------------- configuration
	"config.invalid": {
		title:   "The profile's[[ {field}||]] setting cannot be used",
		what:    "[[The profile's {field} setting||A profile setting]] is not usable, so the check stopped before talking to the server[[: {error}]].",
		causes:  []string{"A typo or a missing value in the profile (instance URL, client_id, CA file, proxy).", "A file the profile names (CA bundle) that does not exist or is not PEM."},
		fields:  []Field{profileField("[[{field}||instance_url, client_id, tls.ca_file, proxy]]", "a valid value")},
		steps:   []string{"Edit the profile and correct[[ {field}||the setting named in the message]].", "The instance URL is the instance root (https://<instance>.my.erp.net); client_id is the Trusted App's ApplicationUri."},
		confirm: "Run the check again; the first step should now run.",
		doc:     docStepByStep,
	},

	// ---------------------------------------------------------------- network
	"net.dns": {
		title:   "The host name[[ {host}]] does not resolve",
		what:    "The computer running this tool could not look up the address of[[ {host}||the instance host]].[[ The resolver said: {error}.]] Nothing reached ERP.net.",
		causes:  []string{"A typo in the instance URL (each instance is https://<name>.my.erp.net, or a custom URL).", "The instance was renamed or moved.", "No DNS on this network (VPN, offline, a corporate resolver that does not know the name)."},
		fields:  []Field{profileField("instance_url", "https://<instance>.my.erp.net"), networkField("DNS resolver", "")},
		steps:   []string{"Check the spelling of the profile's instance URL[[ ({url})]].", "Open the instance URL in a browser on the same machine.", "If only this machine fails, check its DNS settings, VPN and proxy."},
		confirm: "Run the check again; the Reachability step should show the server's version.",
		doc:     docURLParts,
	},
	"net.refused": {
		title:   "The connection to[[ {host}||the server]] was refused",
		what:    "The host[[ {host}]] was found but nothing accepted the connection[[ ({error})]]. The server, or the port in the URL, is not listening.",
		causes:  []string{"A wrong port or http:// vs https:// in the instance URL.", "The instance (or a local test server) is not running.", "A firewall actively rejecting the connection."},
		fields:  []Field{profileField("instance_url", "https:// with no unusual port"), networkField("Firewall", "allows outbound HTTPS")},
		steps:   []string{"Check the scheme and port in the profile's instance URL[[ ({url})]].", "Make sure the instance is running (Instance Manager or your hosting contact).", "Check the local firewall and any proxy settings."},
		confirm: "Run the check again; the Reachability step should pass.",
		doc:     docURLParts,
	},
	"net.timeout": {
		title:   "No answer from[[ {host}||the server]][[ within {timeout}]]",
		what:    "The request[[ to {url}]] got no answer before the profile's timeout[[ ({timeout})]]. The server may be slow or unreachable from this network.",
		causes:  []string{"The instance is overloaded or starting up.", "A firewall silently dropping packets.", "A proxy that does not forward the request.", "A timeout set too short in the profile."},
		fields:  []Field{profileField("timeout_seconds", "30 or more"), profileField("proxy", ""), networkField("Firewall", "")},
		steps:   []string{"Open the instance URL in a browser on the same machine.", "If the instance is only slow, raise the profile's timeout (timeout_seconds).", "Check the proxy (profile proxy field or HTTPS_PROXY) and the firewall."},
		confirm: "Run the check again; every step should finish within the timeout.",
		doc:     docAPIPractice,
	},
	"net.reset": {
		title:   "The connection was closed mid-way",
		what:    "The server[[ {host}]] or something between closed the connection before a full answer arrived[[ ({error})]].",
		causes:  []string{"A proxy, load balancer or firewall cutting the connection.", "The server restarting or crashing on this request.", "TLS inspection equipment interfering."},
		fields:  []Field{profileField("proxy", ""), networkField("Firewall / TLS inspection", "")},
		steps:   []string{"Run the check again to see whether it repeats.", "Try from another network or without the proxy.", "If it repeats for one request only, send the diagnostics report to support."},
		confirm: rerunCheck,
		doc:     docAPIPractice,
	},
	"net.tls_unknown_authority": {
		title:   "The server's certificate is not trusted",
		what:    "The certificate presented by[[ {host}||the server]][[ (subject {cert_subject})]] is signed by an authority this computer does not trust[[: {error}]].",
		causes:  []string{"A corporate proxy that inspects TLS with its own root certificate.", "A self-signed or internal CA certificate on an on-premises instance.", "An incomplete certificate chain on the server."},
		fields:  []Field{profileField("tls.ca_file", "PEM bundle of the issuing CA"), networkField("TLS inspection proxy", "")},
		steps:   []string{"If your organisation inspects TLS, get its root CA certificate (PEM) and set it as the profile's CA file.", "For an on-premises instance, add its issuing CA the same way, or install a publicly trusted certificate on the server.", "Turn certificate checks off only for a throw-away test, never for production."},
		confirm: "Run the check again; the Reachability step should pass without a TLS warning.",
		doc:     docSecurity,
	},
	"net.tls_hostname_mismatch": {
		title:   "The certificate is for a different host name",
		what:    "The certificate[[ for {cert_subject}]] does not cover[[ {host}||the host in the URL]][[ ({error})]].",
		causes:  []string{"The profile uses an alias, IP address or internal name instead of the instance's public name.", "A custom URL whose certificate was not updated."},
		fields:  []Field{profileField("instance_url", "the host name on the certificate")},
		steps:   []string{"Use the instance's exact public host name in the profile (e.g. https://<instance>.my.erp.net).", "For a custom URL, ask whoever runs it to install a certificate that lists that name."},
		confirm: "Run the check again; the Reachability step should pass.",
		doc:     docSecurity,
	},
	"net.tls_expired": {
		title:   "The server's certificate has expired[[ ({cert_expiry})]]",
		what:    "The certificate presented by[[ {host}||the server]] is outside its validity period[[; it expired {cert_expiry}]]. It can also mean this computer's clock is wrong.",
		causes:  []string{"The certificate on the instance or its proxy was not renewed.", "This computer's date and time are wrong."},
		fields:  []Field{instanceField("TLS certificate", "valid today"), networkField("Local clock", "correct date and time")},
		steps:   []string{"Check this computer's date and time.", "If they are right, ask whoever runs the instance or its proxy to renew the certificate."},
		confirm: "Run the check again; the Reachability step should pass.",
		doc:     docSecurity,
	},
	"net.tls_other": {
		title:   "The secure connection could not be set up",
		what:    "The TLS handshake with[[ {host}||the server]] failed[[: {error}]].",
		causes:  []string{"An old TLS version or cipher on the server or a proxy.", "A non-TLS service on an https:// port.", "TLS inspection equipment."},
		fields:  []Field{profileField("instance_url", "https://"), profileField("tls.ca_file", "")},
		steps:   []string{"Check that the URL's scheme and port are right.", "Try without the proxy or from another network.", "Send the diagnostics report to whoever runs the server."},
		confirm: rerunCheck,
		doc:     docSecurity,
	},
	"net.tls_insecure": {
		title:   "Certificate checks are turned off",
		what:    "The profile has insecure_skip_verify on, so this run did not check who the server[[ {host}]] is. Anyone in the path could read the secret and token.",
		causes:  []string{"It was turned on to get past a certificate problem during a test."},
		fields:  []Field{profileField("tls.insecure_skip_verify", "false"), profileField("tls.ca_file", "the CA that signs the server's certificate")},
		steps:   []string{"Turn insecure_skip_verify off in the profile.", "If the certificate is not trusted, set the profile's CA file instead.", "Rotate the secret if it was ever sent to a server you do not control."},
		confirm: "Run the check again; this warning should be gone and the Reachability step should still pass.",
		doc:     docSecurity,
	},
	"net.proxy": {
		title: "The proxy[[ {proxy}]] failed",
		what:  "The request went through the proxy[[ {proxy}]][[ (chosen: {proxy_route})]], which refused it or could not be reached[[: {error}]].[[ Sign-in to the proxy: {proxy_auth}.]]",
		causes: []string{"A wrong proxy: the profile's proxy field, HTTPS_PROXY set in the environment without you knowing, or the system's proxy settings (Windows: Internet Options or a PAC file; macOS: Network settings) naming a proxy this computer cannot reach.",
			"The proxy wants a sign-in this tool could not give: on Windows it signs in as the signed-in user (Negotiate, NTLM); elsewhere only with a login in the proxy URL.",
			"The proxy blocks the instance's host."},
		fields: []Field{profileField("proxy", "empty, or the right proxy URL"), networkField("HTTPS_PROXY / HTTP_PROXY / NO_PROXY", ""),
			networkField("System proxy settings", "Windows: Internet Options > Connections > LAN settings; macOS: System Settings > Network > Proxies")},
		steps: []string{"See where the proxy was chosen[[ ({proxy_route})]]: the profile's proxy field comes first, then HTTPS_PROXY, HTTP_PROXY and NO_PROXY in the environment, then the system's settings.",
			"Change it where it was chosen: the profile's proxy field for this profile only; HTTPS_PROXY (or NO_PROXY with the instance's host, to go direct) in the environment that starts this tool; or the system's settings (Windows' Internet Options or the PAC file your network team publishes, macOS' Network settings).",
			"If the proxy asks for a sign-in (HTTP 407): on Windows this tool signs in as you, so ask the network team whether your account may use the proxy; elsewhere put the login in HTTPS_PROXY (http://DOMAIN%5Cuser:password@proxy:port) in the environment that starts this tool; never in the profile, which is saved as plain text.",
			"Ask the network team whether the instance host is allowed through the proxy."},
		confirm: "Run the check again; the Reachability step should pass.",
		doc:     docAPIPractice,
	},
	"net.cancelled": {
		title:   "The run was cancelled",
		what:    "The run was stopped before it finished, so the remaining steps did not run. Nothing is wrong with the Trusted App because of this.",
		fields:  []Field{profileField("timeout_seconds", "")},
		steps:   []string{"Run the check again and let it finish."},
		confirm: "Run the check again; every step should show a result.",
		doc:     docCCOverview,
	},
	"net.other": {
		title:   "A network error stopped the request",
		what:    "The request[[ to {url}]] failed before an answer arrived[[: {error}]].",
		causes:  []string{"A network, proxy or firewall problem between this computer and the instance."},
		fields:  []Field{profileField("instance_url", ""), profileField("proxy", "")},
		steps:   []string{"Open the instance URL in a browser on the same machine.", "Check the proxy settings and firewall.", "Send the diagnostics report to your network team if it persists."},
		confirm: rerunCheck,
		doc:     docAPIPractice,
	},
	"net.insecure_http": {
		title:   "The connection is not encrypted (http://)",
		what:    "[[{url}||The profile's URL]] uses http:// to a host that is not this computer. The client secret and the token travel in clear text.",
		causes:  []string{"The instance URL was typed with http:// instead of https://."},
		fields:  []Field{profileField("instance_url", "https://...")},
		steps:   []string{"Change the profile's instance URL (and any authority or OData root override) to https://.", "Rotate the client secret if it was sent over http:// on an untrusted network."},
		confirm: "Run the check again; this warning should be gone.",
		doc:     docSecurity,
	},
	"net.redirect_cross_host": {
		title:   "The server redirected to another host[[ ({location})]]",
		what:    "[[{url}||The request]] was redirected to[[ {location}||another host]]. This tool did not forward the credentials or token there, as a browser would not either.",
		causes:  []string{"The profile uses an old or alias URL that now redirects.", "A sign-in page or proxy redirecting the request."},
		fields:  []Field{profileField("instance_url", "[[the host of {location}||the final host]] if that is the real instance")},
		steps:   []string{"Open the URL in a browser and see where it ends up.", "If the new host is the real instance, put it in the profile's instance URL."},
		confirm: rerunCheck,
		doc:     docURLParts,
	},
	"net.body_truncated": {
		title:   "A response was larger than the capture limit",
		what:    "The response[[ from {url}]] was[[ {size} bytes||]] larger than the capture limit[[ ({cap} bytes)]]; only the beginning is shown. The check itself is not affected.",
		fields:  []Field{profileField("calls", "a $top or $select to keep responses small")},
		steps:   []string{"Add $top or $select to the API call if you need to see the whole body."},
		confirm: "No action is needed unless you need to read the whole body.",
		doc:     docAPIPractice,
	},

	"net.slow": {
		title:  "A step was slow[[: {elapsed}]]",
		what:   "[[{url}||A request]] took[[ {elapsed}||a long time]][[ ({share} of the profile's {timeout} timeout)]]; this kind of request normally needs less than[[ {threshold}||a couple of seconds]].[[ Integrations with a shorter time budget would time out: {clients}.]][[ It takes more than half the time budget of {at_risk}.]] The step succeeded; the time is the problem.",
		causes: []string{"The instance or its identity server is overloaded, starting up, or queueing requests (the Domain API runs one request per session at a time).", "A slow hop on the way: a proxy, VPN, DNS resolver or TLS inspection.", "A large answer: an API call without $top or $select."},
		fields: []Field{networkField("Latency to the instance", "well under[[ {threshold}||2 s]]"), profileField("timeout_seconds", "at least twice the slowest step"), profileField("calls", "$top and $select to keep answers small")},
		steps: []string{"Run the check again to see whether the time repeats.",
			"Compare with a run from another network (without the proxy or VPN) to find the slow hop.",
			"If the instance itself is slow, tell whoever runs it; meanwhile integrations with short time budgets need a longer timeout and retries.",
			"For slow API calls, ask for fewer rows and columns ($top, $select)."},
		confirm: "Run the check again; every step should finish well under its limit and this warning should be gone.",
		doc:     docAPIPractice,
	},

	// ----------------------------------------------------------- reachability
	"reach.ok": {
		title:   "The instance answered[[ (version {version})]]",
		what:    "The instance[[ at {url}]] is reachable[[ and reports version {version}]]. Reaching the server and signing in are separate questions: the next steps test sign-in.",
		fields:  []Field{profileField("instance_url", "")},
		steps:   []string{"Nothing to fix here."},
		confirm: "The Reachability step shows pass.",
		doc:     docEndpoints,
	},
	"reach.not_erpnet": {
		title:   "The server does not look like an ERP.net instance",
		what:    "Neither /tools/ver nor /api/domain/standardmodel[[ at {url}]] answered the way an ERP.net instance does[[ (status {status})]][[; content type {content_type}]].",
		causes:  []string{"The instance URL points at a company web site, a proxy or another product.", "The URL includes a path (such as /id or /api) that it should not.", "A login portal in front of the instance."},
		fields:  []Field{profileField("instance_url", "the instance root, e.g. https://<instance>.my.erp.net, with no path")},
		steps:   []string{"Set the profile's instance URL to the instance root only.", "Open <instance root>/tools/ver in a browser: it should show a version number such as 26.2.0.76."},
		confirm: "Run the check again; the Reachability step should show the version.",
		doc:     docEndpoints,
	},
	"reach.autodiscovery_missing": {
		title:   "Site auto-discovery did not answer",
		what:    "Neither /tools/auto-discovery nor /sys/auto-discovery[[ at {url}]] answered, so the tool assumed the standard layout (<instance root>/id and /api/domain/odata/).",
		causes:  []string{"An older or newer server version exposing only one of the paths, or neither.", "A proxy that blocks those paths."},
		fields:  []Field{profileField("odata_root", "set it explicitly if the API lives elsewhere"), profileField("authority", "")},
		steps:   []string{"If later steps pass, nothing needs fixing.", "If they fail with 404, set the profile's OData root and authority explicitly."},
		confirm: "Run the check again; the API calls should succeed.",
		doc:     docIDServer,
	},
	"reach.odata_root_differs": {
		title:   "The instance publishes a different OData root",
		what:    "Auto-discovery lists the Domain API's OData root as[[ {actual}||a different URL]], but the profile uses[[ {expected}||another one]].",
		causes:  []string{"An OData root override left over from another instance.", "A custom URL or reverse proxy."},
		fields:  []Field{profileField("odata_root", "[[{actual}||the ODataServiceRoot from auto-discovery]] (or empty)")},
		steps:   []string{"Clear the profile's OData root override, or set it to the value auto-discovery reports."},
		confirm: rerunCheck,
		doc:     docIDServer,
	},
	"reach.site_not_working": {
		title:   "A site of the instance reports NotWorking",
		what:    "Auto-discovery lists[[ {actual}||a site]] with Status NotWorking[[: {error_description}]]. Calls to that site are likely to fail.",
		causes:  []string{"The site is stopped or failing on the application server."},
		fields:  []Field{instanceField("WebSites[].Status", "Working")},
		steps:   []string{"Check the site's state in Instance Manager, or ask the hosting team.", "Run the check again once it reports Working."},
		confirm: rerunCheck,
		doc:     docIDServer,
	},
	"reach.http_error": {
		title:   "The instance answers[[ {status_text}||with an error]] everywhere",
		what:    "Every anonymous probe[[ (e.g. {url})]] answered[[ {status_text}||with an error]]. The instance is reachable but not serving requests normally.",
		causes:  []string{"The instance is stopped, in maintenance or failing to start.", "The URL points at the wrong application on the host.", "A proxy or WAF blocking the tool."},
		fields:  []Field{profileField("instance_url", "the instance root")},
		steps:   []string{"Open the instance URL in a browser.", "Check the instance's state in Instance Manager or with the hosting team.", "Check the URL has no extra path."},
		confirm: "Run the check again; the Reachability step should pass.",
		doc:     docEndpoints,
	},

	// -------------------------------------------------------------- discovery
	"discovery.global_idp": {
		title:   "The authority is the global id.erp.net, which does not serve Trusted Apps",
		what:    "The profile's authority is[[ {authority}||https://id.erp.net/id]]. That global identity provider is for single sign-on only: it does not issue tokens for an instance's APIs and does not know your Trusted App.",
		causes:  []string{"The authority was copied from an SSO guide.", "The profile was set up before the instance URL was known."},
		fields:  []Field{profileField("authority", "empty (derived as <instance root>/id) or https://<instance>.my.erp.net/id"), profileField("instance_url", "https://<instance>.my.erp.net")},
		steps:   []string{"Clear the profile's authority override so it is derived from the instance URL, or set it to https://<instance>.my.erp.net/id.", "Make sure the Trusted App exists in that same instance (each instance needs its own record)."},
		confirm: "Run the check again; the Discovery step should show the instance's own issuer.",
		doc:     docAuthorities,
	},
	"discovery.not_found": {
		title:   "No OpenID configuration at the authority",
		what:    "[[{url}||The discovery document]] answered[[ {status_text}||not found]]. The authority in the profile is not an ERP.net Identity Server.",
		causes:  []string{"The authority lacks /id (it must be <instance root>/id).", "An authority override pointing at the wrong place.", "The instance URL includes a path."},
		fields:  []Field{profileField("authority", "<instance root>/id, or empty"), profileField("instance_url", "")},
		steps:   []string{"Clear the authority override, or set it to <instance root>/id.", "Open <authority>/.well-known/openid-configuration in a browser: it should show JSON."},
		confirm: "Run the check again; the Discovery step should pass.",
		doc:     docIDServer,
	},
	"discovery.bad_document": {
		title:   "The discovery document is not valid JSON",
		what:    "[[{url}||The discovery URL]] answered[[ with {content_type}||]] but not with an OpenID configuration[[: {error}]]. Often a login page, proxy page or error page is served instead.",
		causes:  []string{"A proxy or captive portal answering instead of the instance.", "The authority points at a web page rather than the Identity Server."},
		fields:  []Field{profileField("authority", "<instance root>/id"), profileField("proxy", "")},
		steps:   []string{"Open the discovery URL in a browser and see what it shows.", "Fix the authority, or the proxy that serves a page in its place."},
		confirm: "Run the check again; the Discovery step should pass.",
		doc:     docIDServer,
	},
	"discovery.issuer_mismatch": {
		title:   "The issuer does not match the authority",
		what:    "The discovery document says its issuer is[[ {actual}||something else]], but the profile expects[[ {expected}||its authority]]. Tokens carry that issuer, so APIs and this tool would reject them.[[ {issuer_why}]]",
		causes:  []string{"The profile points at a different instance than the one answering (wrong instance, alias or custom URL).", "A trailing slash or http:// vs https:// difference in the profile's URL.", "A reverse proxy in front of the instance that rewrites the host."},
		fields:  []Field{profileField("instance_url", "[[so that <root>/id equals {actual}||the issuer's URL without /id]]"), profileField("authority", "empty, or exactly the issuer")},
		steps:   []string{"Set the profile's instance URL (or authority) so it matches the issuer[[ {actual}]] exactly, including https:// and no trailing slash.", "If the issuer is an internal name behind a proxy, the instance's public URL setting must be corrected by whoever runs it."},
		confirm: "Run the check again; the Discovery step should pass with matching issuer and authority.",
		doc:     docAuthorities,
	},
	"discovery.no_client_credentials": {
		title:   "The server does not offer the client_credentials grant",
		what:    "The discovery document's grant_types_supported[[ ({actual})]] does not include client_credentials. Service apps cannot get a token here.",
		causes:  []string{"The authority is not an instance Identity Server (e.g. the global id.erp.net or another product).", "A very old server version."},
		fields:  []Field{profileField("authority", "<instance root>/id")},
		steps:   []string{"Check the profile's authority points at the instance's own Identity Server.", "If it does, ask ERP.net support whether client credentials are available on this instance."},
		confirm: "Run the check again; the Discovery step should pass.",
		doc:     docAuthorities,
	},
	"discovery.no_token_endpoint": {
		title:   "The discovery document has no token endpoint",
		what:    "The OpenID configuration[[ at {url}]] does not list a token_endpoint, so there is nowhere to ask for a token.",
		causes:  []string{"The authority is not an ERP.net Identity Server.", "A proxy altering the document."},
		fields:  []Field{profileField("authority", "<instance root>/id"), profileField("token_endpoint", "<instance root>/id/connect/token")},
		steps:   []string{"Check the authority.", "As a workaround, set the profile's token endpoint to <instance root>/id/connect/token."},
		confirm: "Run the check again; the Token step should run.",
		doc:     docToken,
	},
	"discovery.no_jwks_uri": {
		title:   "No signing keys are published (jwks_uri missing)",
		what:    "The discovery document has no jwks_uri, so this tool cannot check the token's signature. The token can still be used.",
		causes:  []string{"A proxy or customised server stripping the field."},
		fields:  []Field{instanceField("jwks_uri", "<instance root>/id/.well-known/openid-configuration/jwks")},
		steps:   []string{"Nothing to fix for the Trusted App; report it to whoever runs the instance if you need signature checks."},
		confirm: "The Inspect step shows the signature as verified once keys are available.",
		doc:     docAccessToken,
	},
	"discovery.token_endpoint_override": {
		title:   "The profile overrides the token endpoint",
		what:    "The profile sends token requests to[[ {actual}||its own token endpoint]], while discovery lists[[ {expected}||another one]].",
		causes:  []string{"An override left over from another instance or an old server layout."},
		fields:  []Field{profileField("token_endpoint", "empty, so discovery decides")},
		steps:   []string{"Clear the profile's token endpoint unless you know you need it."},
		confirm: "Run the check again; this finding should be gone.",
		doc:     docToken,
	},
	"discovery.jwks_unavailable": {
		title:   "The signing keys could not be fetched",
		what:    "Fetching the JWKS[[ from {url}]] failed[[ ({status_text})||]][[: {error}]], so the token's signature cannot be checked in this run.",
		causes:  []string{"A temporary server or network problem.", "A proxy blocking the keys URL."},
		fields:  []Field{instanceField("jwks_uri", "reachable")},
		steps:   []string{"Open the jwks_uri in a browser: it should show JSON with a keys array.", "Run the check again."},
		confirm: "The Inspect step shows the signature as verified.",
		doc:     docAccessToken,
	},
	"discovery.jwks_invalid": {
		title:   "The signing keys document is not usable",
		what:    "The JWKS[[ at {url}]] could not be read or holds no keys[[: {error}]][[ (only the first {cap} bytes are read)]], so the token's signature cannot be checked.",
		causes:  []string{"A proxy or login page served instead of the keys.", "A customised server."},
		fields:  []Field{instanceField("jwks_uri", "JSON with at least one RSA key")},
		steps:   []string{"Open the jwks_uri in a browser and check it shows a keys array.", "Report it to whoever runs the instance."},
		confirm: "The Inspect step shows the signature as verified.",
		doc:     docAccessToken,
	},
	"discovery.token_endpoint_foreign": {
		title: "The token endpoint is not the authority's: the secret was not sent",
		what:  "The OpenID configuration names[[ {url}]] as the token endpoint, which is[[ on {actual},]] not the authority[[ {expected}]] over https. A client secret goes only to the authority it belongs to, so this run did not send it and got no token.",
		causes: []string{"A proxy, captive portal or compromised server rewrote the OpenID configuration.",
			"The profile's authority points at something that is not the instance's identity server.",
			"A server set up behind a reverse proxy that advertises its internal address or http://."},
		fields: []Field{profileField("authority", "the instance's own identity server (the instance URL followed by /id)"), instanceField("token_endpoint in /.well-known/openid-configuration", "on the authority's host, over https")},
		steps: []string{"Open the authority's /.well-known/openid-configuration in a browser and compare token_endpoint with the authority.",
			"If the instance really serves tokens elsewhere, ask its administrator why, then set that exact address as the profile's token endpoint yourself (every report will then say so).",
			"If you cannot explain the other host, treat it as an attack: do not send the secret there, and rotate it if an earlier run did."},
		confirm: "Run the check again: Discovery passes and the Token step requests a token from the authority's host.",
		doc:     docIDServer,
	},
	"discovery.token_endpoint_profile_foreign": {
		title:   "The secret goes to a token endpoint you set on another host",
		what:    "The profile's own token endpoint[[ {url}]] is[[ on {actual}]], not the authority[[ {expected}]] over https. You set it, so the secret was sent there; this warning is in every report of this profile so nobody misses it.",
		causes:  []string{"A deliberate setup (a gateway in front of the identity server).", "A value copied from another instance, or brought in by an imported profile."},
		fields:  []Field{profileField("token_endpoint", "empty, so the authority's own endpoint is used")},
		steps:   []string{"Clear the profile's token endpoint unless you know exactly why tokens come from that host.", "If the host is not yours, rotate the secret: it has been sent there."},
		confirm: "Run the check again; this warning should be gone.",
		doc:     docSecurity,
	},

	"discovery.issuer_inexact": {
		title:  "The issuer is spelled differently from the authority[[ ({differs})]]",
		what:   "The identity server calls itself[[ {actual}||by a slightly different address]] while the profile's authority is[[ {expected}||another spelling of it]][[; they differ in {differs}]]. This tool and ERP.net's own APIs tolerate it, but clients that compare the two exactly refuse the discovery document[[: {clients}]].",
		causes: []string{"The instance's public address settings publish the Identity site under another spelling: http:// behind a proxy that terminates TLS, an upper-case host name, an explicit :443, or a trailing slash.", "The profile's instance URL or authority is typed differently from the address the instance publishes."},
		fields: []Field{instanceField("public address of the Identity site", "exactly the address integrations use (https://, lower-case host, no port, /id, no trailing slash)"), profileField("authority", "[[exactly {actual}||exactly the issuer]], until the instance is fixed")},
		steps: []string{"Ask whoever runs the instance to correct its public address settings, so the Identity site publishes exactly the address integrations use.",
			"Until then, set the authority in the profile and in each integration to the issuer exactly[[: {actual}]]."},
		confirm: "Run the check again; the Discovery step should show no issuer warning.",
		doc:     docIDServer,
	},

	// ---------------------------------------------------------- token request
	"token.invalid_client": {
		title: "The Identity Server rejected the app's credentials (invalid_client)",
		what:  "The token endpoint answered invalid_client[[ ({error_description})]][[ for client_id {client_id}]]. ERP.net says this when the Trusted App is not found, is disabled, the secret is wrong (or was rotated or deleted), or the app is not Confidential.[[ {auth_hint}]]",
		causes: []string{
			"The client secret is wrong, or the secret was rotated or deleted in ApplicationSecretHash.",
			"client_id does not equal the Trusted App's ApplicationUri exactly (it is case-sensitive, and each instance needs its own record).",
			"The Trusted App is disabled (IsEnabled = false).",
			"ClientType is Public or None; a Public app that sends a secret is also refused.",
			"[[The credentials were sent as {auth_name} and the server expects {auth_other_name}.||The server expects the credentials in the other style (form body vs HTTP Basic).]]",
		},
		fields: []Field{
			trustedAppField("ApplicationUri", "[[{client_id}||the profile's client_id]]"), trustedAppField("ApplicationSecretHash", "base64(SHA-256(the secret in this profile))"),
			trustedAppField("IsEnabled", "true"), trustedAppField("ClientType", "Confidential"), profileField("auth_method", "[[{auth_other} if {auth_method} keeps failing||post (form body), as the docs show]]"),
		},
		steps: []string{
			whereToFix,
			"Check that ApplicationUri is exactly[[ {client_id}||the profile's client_id]] and that the app lives in this instance.",
			"Check IsEnabled = true and ClientType = Confidential.",
			"Compare ApplicationSecretHash with the hash of the profile's secret: this tool's Record tab compares them and names a hash made the wrong way (a line break added by echo, CRLF, spaces, hex, UTF-16), reading the record with another profile's token when this app gets none; the profile editor shows the hash. " + rotateSecret,
			"[[If everything above is right, switch the profile's auth method from {auth_method} to {auth_other} and run again.||If everything above is right, try the other auth method (post vs basic) in the profile.]]",
		},
		confirm: rerunFresh,
		doc:     docErrors,
	},
	"token.unauthorized_client": {
		title:   "The Trusted App may not use the client credentials flow (unauthorized_client)",
		what:    "The token endpoint answered unauthorized_client[[ ({error_description})]]. For client credentials ERP.net requires SystemUserAllowed = true and a valid, active System User on the Trusted App.",
		causes:  []string{"SystemUserAllowed is false.", "No SystemUser is assigned, or the assigned user is not Active."},
		fields:  []Field{trustedAppField("SystemUserAllowed", "true"), trustedAppField("SystemUser", "a least-privilege user"), systemUserField("Active", "true")},
		steps:   []string{whereToFix, "Set SystemUserAllowed = true.", "Assign a SystemUser (a dedicated, least-privilege user) and make sure that user is Active."},
		confirm: rerunFresh + " The Inspect step then shows the System User the app acts as.",
		doc:     docErrors,
	},
	"token.invalid_scope": {
		title: "A requested scope is not allowed for this app (invalid_scope)",
		what:  "The token endpoint refused the scope request[[ \"{requested}\"]][[ ({error_description})]]. ERP.net only grants scopes listed in the Trusted App's Scope field, which is case-sensitive.[[ The scope named in the error is \"{scope}\".]]",
		causes: []string{"[[\"{signin_refused}\" is a sign-in scope, and this instance refuses sign-in scopes in a client-credentials request (others drop them from the grant); no entry in the Scope field changes that.]]",
			"[[\"{grantable_refused}\" is not in the Trusted App's Scope field.]]", "[[A difference in case: the Scope field must spell \"{grantable_refused}\" exactly as requested (read, not Read).]]",
			"[[{requested_sec} requested: it is for ERP.net internal use only.]]", "[[{requested_legacy} requested: the legacy scope is obsolete and usually no longer in the Scope field.]]"},
		fields: []Field{trustedAppField("Scope", "[[contains {grantable_refused}||unchanged: sign-in scopes need no entry]]"), profileField("scopes", "[[without {signin_refused}||only scopes listed in the app's Scope field]]")},
		steps: []string{"[[Remove \"{signin_refused}\" and the other sign-in scopes (openid, profile, offline_access) from the profile's scopes and from your integration's token request: a service app's token never carries them.]]",
			"[[{fix_where}]]", "[[Either add \"{grantable_refused}\" to the Trusted App's Scope field (space-delimited, exact case), or remove it from the profile's scopes.]]",
			"Request only what the integration needs (usually read, plus update if it writes)."},
		confirm: rerunFresh + " The granted scopes should then include what you asked for.",
		doc:     docErrors,
	},
	"token.invalid_grant": {
		title:   "The token request was rejected as malformed (invalid_grant)",
		what:    "The token endpoint answered invalid_grant[[ ({error_description})]]. ERP.net documents this as \"client credentials are invalid or missing\": the request must carry grant_type=client_credentials and both client_id and client_secret.",
		causes:  []string{"An empty client secret in the profile's keyring entry.", "[[Credentials sent as {auth_name} where the server reads {auth_other_name}.||Credentials sent in a style the server does not read.]]"},
		fields:  []Field{profileField("client_id", "the app's ApplicationUri"), profileField("secret", "set (stored in the OS keyring)"), profileField("auth_method", "post (form fields), as the docs show")},
		steps:   []string{"Make sure the profile has a secret stored.", "Use auth method post (form fields) unless the server needs Basic."},
		confirm: rerunFresh,
		doc:     docErrors,
	},
	"token.unsupported_grant_type": {
		title:   "The server does not accept this grant type (unsupported_grant_type)",
		what:    "The token endpoint answered unsupported_grant_type[[ ({error_description})]]. Service apps must send grant_type=client_credentials; IdentityServer also answers this when grant_type is missing.",
		causes:  []string{"The body did not reach the server intact (a proxy rewriting it, or a wrong Content-Type).", "A token endpoint override pointing at a different product."},
		fields:  []Field{profileField("token_endpoint", "empty, or <instance root>/id/connect/token"), profileField("proxy", "")},
		steps:   []string{"Clear any token endpoint override.", "Check no proxy rewrites POST bodies."},
		confirm: rerunFresh,
		doc:     docErrors,
	},
	"token.invalid_request": {
		title:   "The token request is missing something (invalid_request)",
		what:    "The token endpoint answered invalid_request[[ ({error_description})]]. ERP.net says this when client_id or client_secret is missing; IdentityServer also says it for a wrong method or Content-Type.",
		causes:  []string{"An empty client_id or secret.", "[[Credentials sent as {auth_name} where the server reads only {auth_other_name}.||Credentials sent in a style the server does not read.]]", "A proxy changing the request."},
		fields:  []Field{profileField("client_id", "set"), profileField("secret", "set"), profileField("auth_method", "post (form body)")},
		steps:   []string{"Check the profile's client_id and that a secret is stored.", "Use auth method post (client_id and client_secret in the POST body) as the docs show."},
		confirm: rerunFresh,
		doc:     docErrors,
	},
	"token.other_error": {
		title:   "The token endpoint returned an unfamiliar error[[ ({error})]]",
		what:    "The Identity Server refused the request with[[ \"{error}\"||an OAuth error this tool does not know]][[: {error_description}]].",
		causes:  []string{"A server version or customisation with its own error codes."},
		fields:  []Field{trustedAppField("IsEnabled", "true"), trustedAppField("ClientType", "Confidential"), trustedAppField("SystemUserAllowed", "true"), trustedAppField("Scope", "")},
		steps:   []string{whereToFix, "Check the client-credentials requirements: ClientType = Confidential, SystemUserAllowed = true, a SystemUser assigned, a Scope set, IsEnabled = true.", "Send the diagnostics report to support if the message is unclear."},
		confirm: rerunFresh,
		doc:     docErrors,
	},
	"token.http_error": {
		title:   "The token endpoint answered[[ {status_text}||with an HTTP error]] without an OAuth error",
		what:    "[[{url}||The token endpoint]] answered[[ {status_text}||with an error status]] but no OAuth \"error\" body[[ (WWW-Authenticate: {www_authenticate})]]. [[{auth_hint}]]",
		causes:  []string{"A bare 401 often means HTTP Basic credentials were not accepted (e.g. a secret with characters Basic URL-encodes).", "5xx: the Identity Server or a proxy in front of it is failing.", "404: a wrong token endpoint."},
		fields:  []Field{profileField("auth_method", "post (form body)"), profileField("token_endpoint", "empty or <instance root>/id/connect/token")},
		steps:   []string{"[[If you use {auth_name}, try {auth_other_name}.||Try the other auth method (post vs basic).]]", "Clear any token endpoint override.", "For 5xx, wait and retry; if it persists, send the diagnostics report to support."},
		confirm: rerunFresh,
		doc:     docToken,
	},
	"token.html_response": {
		title:   "The token endpoint returned a web page instead of JSON",
		what:    "[[{url}||The token endpoint]] answered with HTML[[ ({content_type})]], typically a login page, a proxy notice or an error page, not a token response.",
		causes:  []string{"A token endpoint override pointing at a web page.", "A proxy or captive portal intercepting the request.", "The instance URL points at the wrong site."},
		fields:  []Field{profileField("token_endpoint", "empty or <instance root>/id/connect/token"), profileField("instance_url", "the instance root"), profileField("proxy", "")},
		steps:   []string{"Clear the token endpoint override.", "Check the proxy settings.", "Open the response body in the exchange view to see which page it is."},
		confirm: rerunFresh,
		doc:     docToken,
	},
	"token.bad_response": {
		title:   "The token response is not usable",
		what:    "The token endpoint answered successfully but the body is not a usable token response[[: {error}]][[ (only the first {cap} bytes of an answer are read)]].",
		causes:  []string{"A proxy altering the body.", "A token endpoint override pointing at another service."},
		fields:  []Field{profileField("token_endpoint", "empty")},
		steps:   []string{"Clear any token endpoint override.", "Look at the response body in the exchange view.", "Send the diagnostics report to support if the body comes from the instance."},
		confirm: rerunFresh,
		doc:     docToken,
	},
	"token.basic_encoding_hint": {
		title:   "The secret or client_id has characters that HTTP Basic encodes",
		what:    "The profile uses HTTP Basic, and[[ {actual}||the secret or client_id]] contains characters that client_secret_basic URL-encodes before base64 (RFC 6749), for example a space becomes +. Servers that do not decode them see a different secret.",
		causes:  []string{"A generated secret with +, /, =, :, space or non-ASCII characters.", "A client_id (ApplicationUri) with / or : in it."},
		fields:  []Field{profileField("auth_method", "post (form body)")},
		steps:   []string{"Switch the profile's auth method to post (form body), the style ERP.net's docs show.", "Or rotate to a secret made only of letters and digits: " + rotateSecret},
		confirm: rerunFresh,
		doc:     docToken,
	},
	"token.scope_narrowed": {
		title: "Fewer scopes were granted than requested",
		what:  "The app asked for[[ \"{requested}\"||some scopes]] but the token carries[[ \"{granted}\"||fewer]].[[ Missing: {missing_derived}.]][[ {missing_user_only}: sign-in scopes, which ERP.net never grants to a service app; they need no entry in the Trusted App.]][[ Calls that need {missing_grantable} will be refused (for example writes without update get 403).]]",
		causes: []string{
			"[[\"{missing_grantable}\" is not in the Trusted App's Scope field (which is case-sensitive), or the server narrowed the request.]]",
			"[[{missing_user_only} requested: sign-in scopes are never granted with client credentials.]]",
		},
		fields: []Field{profileField("scopes", "[[without {missing_user_only}||only scopes the app's Scope field lists]]"), trustedAppField("Scope", "[[contains {missing_grantable}||the scopes the integration needs]]")},
		steps: []string{
			"[[Remove {missing_user_only} from the profile's scopes and from the integration's token request.||Decide which of the missing scopes the integration really needs.]]",
			"[[If the integration needs {missing_grantable}: open the Trusted App in Instance Manager -> Security -> Trusted Apps and add it to the Scope field (exact case); otherwise stop requesting it.||Nothing needs to change in the Trusted App.]]",
		},
		confirm: rerunFresh + " Requested and granted scopes should then match.",
		doc:     docScopes,
	},
	"token.scope_all_granted": {
		title:   "No scope was requested, so the whole Scope field was granted",
		what:    "The token request sent no scope parameter, and ERP.net granted every scope in the Trusted App's Scope field[[: {granted}]]. Requesting only what the integration needs is safer.",
		fields:  []Field{profileField("scopes", "the minimal set, e.g. read")},
		steps:   []string{"Add the scopes the integration needs (e.g. read, or read update) to the profile."},
		confirm: "Run the check again; requested and granted scopes should match.",
		doc:     docScopes,
	},
	"token.scope_legacy": {
		title:   "The legacy DomainApi scope was requested",
		what:    "The request includes DomainApi. {domainapi_advice} The older .NET client (ErpNet.Api.Client) still adds it by itself.",
		fields:  []Field{profileField("scopes", "[[{domainapi_keep}||read / update, without DomainApi]]"), trustedAppField("Scope", "[[{domainapi_keep}||without DomainApi]]")},
		steps:   []string{"[[{domainapi_step}||If the instance runs version 20.1, keep DomainApi until it is upgraded; on later versions remove it from the profile's scopes and from your integration's code.]]", "Remove it from the Trusted App's Scope field once nothing asks for it."},
		confirm: "Run the check again; this warning should be gone.",
		doc:     docScopes,
	},
	"token.scope_user_only": {
		title:   "[[\"{scope}\"||A sign-in scope]] was requested by a service app",
		what:    "The request includes[[ {scope}||openid, profile or offline_access]]. These are sign-in scopes: with client credentials there is no user, so ERP.net never grants them, and they need no entry in the Trusted App. The docs say only that such a token never carries them; an instance may drop them from the grant (the token works, and lists them as not granted) or refuse the whole request with invalid_scope naming one of them (no token at all). Either way, stop requesting them.",
		fields:  []Field{profileField("scopes", "read / update only")},
		steps:   []string{"Remove[[ {scope}||openid, profile and offline_access]] from the profile's scopes and from your integration's token request."},
		confirm: "Run the check again; this warning should be gone.",
		doc:     docScopes,
	},
	"token.scope_internal": {
		title:   "The internal sec scope was requested",
		what:    "The request includes sec, which ERP.net reserves for internal use (security-namespace APIs). Apps should not request it.",
		fields:  []Field{profileField("scopes", "without sec"), trustedAppField("Scope", "without sec")},
		steps:   []string{"Remove sec from the profile's scopes and from the Trusted App's Scope field."},
		confirm: "Run the check again; this warning should be gone.",
		doc:     docScopes,
	},
	"token.scope_unknown": {
		title:   "Scope[[ \"{scope}\"||]] is not a documented ERP.net scope",
		what:    "[[\"{scope}\"||A requested scope]] is not one of ERP.net's documented scopes (read, update; openid, profile and offline_access for sign-in apps). Scope names are case-sensitive.",
		fields:  []Field{profileField("scopes", "read and/or update")},
		steps:   []string{"Check the spelling and case[[ of {scope}]].", "Use read for reading and update for writing."},
		confirm: "Run the check again; this warning should be gone.",
		doc:     docScopes,
	},
	"token.no_scopes": {
		title:   "The token carries no scopes",
		what:    "The token was issued without any scope, so API calls are likely to be refused. This happens when the Trusted App's Scope field is empty and the request sent no scope.",
		fields:  []Field{trustedAppField("Scope", "e.g. read update"), profileField("scopes", "read")},
		steps:   []string{whereToFix, "Fill the Trusted App's Scope field (e.g. read, or read update).", "Request the needed scopes in the profile."},
		confirm: rerunFresh + " The Inspect step should then list the granted scopes.",
		doc:     docScopes,
	},
	"token.refresh_token_present": {
		title:   "The response contains a refresh token",
		what:    "Client credentials never return a refresh token in ERP.net; this response did. The server may be customised, or this is not the instance's Identity Server.",
		fields:  []Field{profileField("token_endpoint", "empty"), profileField("scopes", "without offline_access")},
		steps:   []string{"Check the token endpoint and authority point at the instance.", "Remove offline_access from the profile's scopes."},
		confirm: "Run the check again; this finding should be gone.",
		doc:     docLifetime,
	},
	"token.not_bearer": {
		title:   "The token type is[[ \"{actual}\"||]] not Bearer",
		what:    "ERP.net always issues token_type Bearer; this response says[[ \"{actual}\"||something else]].",
		fields:  []Field{profileField("token_endpoint", "empty")},
		steps:   []string{"Check the token endpoint points at the instance's Identity Server."},
		confirm: rerunFresh,
		doc:     docToken,
	},
	"token.from_cache": {
		title:   "A cached token was reused",
		what:    "This run reused a token obtained earlier[[ (it expires {expires})]][[ and kept in {cache_place}]] instead of asking the Identity Server again, as ERP.net recommends: reusing the token reuses its session, so the run takes no new licence slot. Changes to the Trusted App are not visible until a new token is requested.",
		fields:  []Field{profileField("--fresh", "to force a new token")},
		steps:   []string{"Run with --fresh (or Run fresh in the app) after changing the Trusted App."},
		confirm: "A fresh run shows the Token step talking to the token endpoint.",
		doc:     docLifetime,
	},

	"token.supplied": {
		title:   "A supplied token was inspected",
		what:    "This run did not ask the identity server for a token: it decoded the token you supplied, checked its signature against the instance's published keys, and ran the profile's API calls with it. The Trusted App's sign-in itself was not tested.",
		fields:  []Field{profileField("client_id", "the app the token was issued to, to test its sign-in")},
		steps:   []string{"To test the Trusted App's sign-in, run the profile normally (Test this Trusted App, or trustedapp-check check PROFILE)."},
		confirm: "A normal run shows the Token step talking to the token endpoint.",
		doc:     docLifetime,
	},

	// ------------------------------------------------------ token inspection
	"token.expired": {
		title:   "The token has expired[[ ({expires})]]",
		what:    "The token's exp[[ ({expires})]] is in the past[[ by {skew}]]. ERP.net access tokens last one hour and cannot be extended; APIs answer 401 to an expired token.",
		causes:  []string{"A cached or saved token used after its hour.", "This computer's clock is ahead."},
		fields:  []Field{networkField("Local clock", "correct (NTP)")},
		steps:   []string{"Request a new token (client credentials has no refresh token).", "Check this computer's clock if fresh tokens also look expired."},
		confirm: rerunFresh,
		doc:     docLifetime,
	},
	"token.not_yet_valid": {
		title:   "The token is not valid yet",
		what:    "The token's nbf or iat lies in the future[[ by {skew}]] compared with this computer's clock. Either this clock or the server's is wrong.",
		causes:  []string{"This computer's clock is behind.", "The server's clock is ahead."},
		fields:  []Field{networkField("Local clock", "correct (NTP)")},
		steps:   []string{"Synchronise this computer's clock (NTP).", "If it is right, tell whoever runs the instance that its clock is off."},
		confirm: rerunFresh,
		doc:     docAccessToken,
	},
	"token.clock_skew": {
		title:   "The clocks differ[[ by {skew}]]",
		what:    "The server's time[[ ({date})]] (Date header or the token's iat) and this computer's clock differ[[ by {skew}]]. Large differences make fresh tokens look expired or not yet valid.",
		fields:  []Field{networkField("Local clock", "correct (NTP)")},
		steps:   []string{"Synchronise this computer's clock (NTP)."},
		confirm: "Run the check again; this warning should be gone.",
		doc:     docLifetime,
	},
	"token.signature_invalid": {
		title:   "The token's signature does not match the instance's keys",
		what:    "The token is signed[[ with key {kid}]], but the signature does not verify against the instance's published keys. Treat it as not issued by this instance.",
		causes:  []string{"The token came from another instance or a proxy/test server.", "The token was altered.", "The instance rotated keys and the fetched JWKS is stale."},
		fields:  []Field{profileField("authority", "the instance that issued the token")},
		steps:   []string{"Request a fresh token from this instance.", "Check the profile's token endpoint and authority belong to the same instance."},
		confirm: rerunFresh + " The Inspect step should show the signature as verified.",
		doc:     docAccessToken,
	},
	"token.unknown_kid": {
		title:   "The token's signing key[[ {kid}]] is not published",
		what:    "The token header names key[[ {kid}||an id]] that the instance's JWKS[[ (keys: {kids})]] does not contain.",
		causes:  []string{"The token comes from another instance.", "The instance rotated its keys."},
		fields:  []Field{profileField("token_endpoint", "the same instance as the authority")},
		steps:   []string{"Request a fresh token.", "Check the token endpoint override, if any, belongs to this instance."},
		confirm: rerunFresh + " The Inspect step should show the signature as verified.",
		doc:     docAccessToken,
	},
	"token.alg_not_allowed": {
		title:   "The token uses a signing algorithm that is not allowed[[ ({alg})]]",
		what:    "ERP.net signs access tokens with RS256; this token says[[ {alg}||another algorithm]]. Tokens with none or HMAC algorithms are refused.",
		fields:  []Field{profileField("token_endpoint", "the instance's own")},
		steps:   []string{"Make sure the token comes from the instance's Identity Server."},
		confirm: rerunFresh,
		doc:     docAccessToken,
	},
	"token.not_verified": {
		title:   "The token's signature was not verified",
		what:    "No signing keys could be read in this run[[ ({error})]], so the token's signature was not checked: its claims are decoded, but nothing proves the instance issued them. A run that cannot verify its token does not pass.",
		causes:  []string{"The JWKS could not be fetched, is not valid, or is larger than the capture limit.", "The OpenID configuration could not be read or lists no jwks_uri."},
		fields:  []Field{instanceField("jwks_uri", "reachable, a JSON keys array of a normal size")},
		steps:   []string{"Fix the Discovery step's finding about the signing keys or the OpenID configuration, then run again."},
		confirm: "The Inspect step shows the signature as verified.",
		doc:     docAccessToken,
	},
	"token.issuer_mismatch": {
		title:   "The token was issued by a different authority",
		what:    "The token's iss is[[ {actual}||different]], but the profile's authority is[[ {expected}||another]]. APIs of this instance reject tokens from other instances.[[ {issuer_why}]]",
		causes:  []string{"A token endpoint override pointing at another instance.", "A trailing slash or http vs https difference.", "A proxy rewriting host names."},
		fields:  []Field{profileField("authority", "[[{actual}||the issuer]] or empty"), profileField("token_endpoint", "empty")},
		steps:   []string{"Make the profile's instance URL, authority and token endpoint all point at the same instance.", "Request a fresh token."},
		confirm: rerunFresh + " The issuer should then equal the authority.",
		doc:     docAuthorities,
	},
	"token.audience_mismatch": {
		title:   "The token is not meant for ERP.net's APIs",
		what:    "The token's aud[[ ({actual})]] lists no ERP.net API (DomainAPI, TableAPI, OLAP or AppServer). APIs may refuse it.",
		fields:  []Field{profileField("authority", "<instance root>/id")},
		steps:   []string{"Check the token comes from the instance's Identity Server, not another provider."},
		confirm: rerunFresh,
		doc:     docAccessToken,
	},
	"token.no_system_user": {
		title:   "The token does not say which System User the app acts as",
		what:    "The token has no client_system_user claim. ERP.net client-credentials tokens always act as the Trusted App's System User; without it, API calls cannot run as anyone.",
		causes:  []string{"No SystemUser assigned, or SystemUserAllowed is false.", "The token is not a client-credentials token from an ERP.net instance."},
		fields:  []Field{trustedAppField("SystemUserAllowed", "true"), trustedAppField("SystemUser", "a least-privilege user"), systemUserField("Active", "true")},
		steps:   []string{whereToFix, "Set SystemUserAllowed = true and assign an Active SystemUser."},
		confirm: rerunFresh + " The Inspect step should show \"acts as\" with the user's login.",
		doc:     docCCOverview,
	},
	"token.user_token": {
		title:   "This looks like a user token, not a service token",
		what:    "The token carries user claims (sub or db) that ERP.net client-credentials tokens never have. It came from an interactive sign-in, or from a server that is not the instance.",
		fields:  []Field{profileField("token_endpoint", "empty")},
		steps:   []string{"Use the client credentials token from this tool's Token step, not a token copied from a browser."},
		confirm: rerunFresh,
		doc:     docAccessToken,
	},
	"token.reference": {
		title:   "This is a reference token (enrt_…)",
		what:    "The token is an opaque ERP.net reference token (PAT or SAT). Nothing can be read from it locally; the instance checks it on every call. It is made by hand in Instance Manager -> Security -> Trusted Apps, never by the OAuth flow.",
		fields:  []Field{trustedAppField("ReferenceTokens (the dev docs call it AccessTokens)", "AdministratorsOnly for SATs")},
		steps:   []string{"Nothing to fix; the API calls show whether it works."},
		confirm: "The API steps pass.",
		doc:     docReference,
	},
	"token.opaque": {
		title:   "The token is opaque; its claims cannot be read",
		what:    "The token is not a JWT and not an ERP.net reference token, so System User, scopes and expiry cannot be shown. ERP.net issues JWT access tokens for client credentials.",
		fields:  []Field{profileField("token_endpoint", "empty")},
		steps:   []string{"Check the token endpoint belongs to the instance's Identity Server."},
		confirm: rerunFresh,
		doc:     docAccessToken,
	},
	"token.malformed": {
		title:   "The token looks like a JWT but does not decode",
		what:    "The token has the shape of a JWT but its parts could not be decoded[[: {error}]].",
		fields:  []Field{profileField("token_endpoint", "empty")},
		steps:   []string{"Request a fresh token; if it repeats, send the diagnostics report to support."},
		confirm: rerunFresh,
		doc:     docAccessToken,
	},
	"token.lifetime_unusual": {
		title:   "The token lifetime is[[ {lifetime}||]] not the usual hour",
		what:    "ERP.net access tokens last one hour; this one lasts[[ {lifetime}||a different time]]. Plan token renewal around the real lifetime.",
		fields:  []Field{instanceField("access token lifetime", "1 hour")},
		steps:   []string{"Renew tokens shortly before exp, whatever the lifetime."},
		confirm: "No action needed unless your integration assumes one hour.",
		doc:     docLifetime,
	},

	"token.issuer_inexact": {
		title:   "The token's issuer is spelled differently from the identity server's[[ ({differs})]]",
		what:    "The token's iss is[[ {actual}||a different spelling]] while the discovery document's issuer is[[ {expected}||another]][[; they differ in {differs}]]. Clients that validate iss against the discovery issuer reject the token[[: {clients}]].",
		causes:  []string{"The instance puts an issuer from one address setting in its tokens and publishes another in discovery.", "A proxy rewrites the discovery document but not the tokens."},
		fields:  []Field{instanceField("public address of the Identity site", "the same in discovery and in tokens")},
		steps:   []string{"Ask whoever runs the instance to make its public address settings consistent, so tokens carry exactly the issuer discovery publishes."},
		confirm: rerunFresh + " The Inspect step should show no issuer warning.",
		doc:     docAccessToken,
	},

	// -------------------------------------------------------------------- API
	"api.ok": {
		title:   "The API call succeeded",
		what:    "[[{method} {path}||The call]] answered[[ {status}||]] with JSON. The token works for this call.",
		fields:  []Field{profileField("calls", "the calls your integration makes")},
		steps:   []string{"Nothing to fix."},
		confirm: "The API step shows pass.",
		doc:     docStepByStep,
	},
	"api.unauthorized": {
		title:   "The API refused the token (401)",
		what:    "[[{method} {path}||The call]] answered 401 Unauthorized[[ (WWW-Authenticate: {www_authenticate})]]. ERP.net says this for an expired, missing or badly signed token, or one issued by another instance.",
		causes:  []string{"The token expired (one hour).", "The token comes from another instance.", "The System User is not Active or cannot sign in."},
		fields:  []Field{profileField("authority", "the same instance as the API"), systemUserField("Active", "true")},
		steps:   []string{"Request a fresh token and retry.", "Check the profile's authority and instance URL are the same instance.", "Check the System User is Active."},
		confirm: rerunFresh + " The API steps should pass.",
		doc:     docStepByStep,
	},
	"api.token_expired": {
		title:   "The API says the token has expired (401)",
		what:    "[[{method} {path}||The call]] answered 401 with[[ {www_authenticate}||an expired-token error]]. Client credentials tokens last one hour and have no refresh token: request a new one.",
		fields:  []Field{networkField("Local clock", "correct")},
		steps:   []string{"Request a fresh token and retry the call.", "In your integration, renew the token shortly before exp."},
		confirm: rerunFresh + " The API steps should pass.",
		doc:     docLifetime,
	},
	"api.foreign_issuer": {
		title:   "The API rejects a token from another instance (401)",
		what:    "[[{method} {path}||The call]] answered 401 because the token's issuer[[ {issuer}]] is not this instance[[ ({www_authenticate})]]. Each instance only accepts tokens from its own /id.",
		fields:  []Field{profileField("authority", "<this instance>/id"), profileField("token_endpoint", "empty")},
		steps:   []string{"Point the profile's authority and token endpoint at the same instance as the API.", "Make sure the Trusted App exists in this instance."},
		confirm: rerunFresh + " The API steps should pass too.",
		doc:     docAuthorities,
	},
	"api.bad_signature": {
		title:   "The API rejects the token's signature (401)",
		what:    "[[{method} {path}||The call]] answered 401: the token's signature is not valid for this instance[[ ({www_authenticate})]].",
		fields:  []Field{profileField("authority", "<this instance>/id")},
		steps:   []string{"Request a fresh token from this instance's Identity Server."},
		confirm: rerunFresh,
		doc:     docAccessToken,
	},
	"api.forbidden_scope": {
		title:   "Writing needs the update scope (403)",
		what:    "[[{method} {path}||The write]] answered 403 Forbidden: the token[[ (scopes: {granted})]] lacks update, which ERP.net requires to create, modify or delete data.",
		causes:  []string{"update is not in the Trusted App's Scope field.", "update was not requested in the profile."},
		fields:  []Field{trustedAppField("Scope", "contains update"), profileField("scopes", "read update")},
		steps:   []string{whereToFix, "Add update to the Trusted App's Scope field.", "Add update to the profile's scopes (or leave scopes empty to get the whole Scope field)."},
		confirm: rerunFresh + " The write call should then pass.",
		doc:     docScopes,
	},
	"api.forbidden": {
		title:   "The API refused the call (403)",
		what:    "[[{method} {path}||The call]] answered 403 Forbidden[[: {error_description}]]. The token is valid but the System User or token is not allowed to do this.",
		causes:  []string{"The System User lacks permission on this entity or operation.", "A scope is missing.", "The endpoint does not support client-credentials tokens (e.g. /profile/me)."},
		fields:  []Field{trustedAppField("SystemUser", "a user with the needed permissions"), trustedAppField("Scope", "")},
		steps:   []string{"Check the System User's roles and permissions for this entity.", "Check the granted scopes in the Inspect step."},
		confirm: rerunFresh,
		doc:     docTrustedApps,
	},
	"api.not_found": {
		title:   "The API path was not found (404)",
		what:    "[[{method} {url}||The call]] answered 404.[[ {root_hint}]] ERP.net's Domain API lives at <instance root>/api/domain/odata/ and entity sets look like Crm_Sales_Customers.",
		causes:  []string{"A wrong OData root (override or auto-discovery).", "A misspelt entity set.", "A model not installed on this instance."},
		fields:  []Field{profileField("odata_root", "<instance root>/api/domain/odata/"), profileField("calls", "valid entity set names")},
		steps:   []string{"Check the profile's OData root override.", "Check the entity set name in $metadata."},
		confirm: rerunCheck,
		doc:     docURLParts,
	},
	"api.method_not_allowed": {
		title:   "The API does not allow[[ {method}||this method]] here (405)",
		what:    "[[{path}||The path]] answered 405 Method Not Allowed for[[ {method}||this method]].",
		fields:  []Field{profileField("calls", "method and path")},
		steps:   []string{"Use GET for queries, POST to create, PATCH to modify, DELETE to remove, on the right path."},
		confirm: rerunCheck,
		doc:     docURLParts,
	},
	"api.rate_limited": {
		title:   "Too many requests (429)",
		what:    "[[{method} {path}||The call]] answered 429 Too Many Requests.[[ The server asks to wait {retry_after} seconds (Retry-After).]] The Domain API allows 600 requests a minute and one concurrent request per session (a queue of 5).",
		causes:  []string{"Parallel requests with one token/session.", "A loop without backoff.", "Several processes sharing one token."},
		fields:  []Field{profileField("--parallel", "1 per host")},
		steps:   []string{"Wait[[ {retry_after} seconds||]] and retry.", "Send requests one at a time per session and back off exponentially on 429."},
		confirm: "Run the check again after the wait; the API steps should pass.",
		doc:     docRateLimits,
	},
	"api.license_exhausted": {
		title:   "No licence slot is free (MaximumLicenseCountExceeded)",
		what:    "[[{method} {path}||The call]] failed with MaximumLicenseCountExceeded[[: {error_description}]]. The token is valid, but the first API call opens a session that needs a licence slot and all are taken.",
		causes:  []string{"Other users or integrations hold all slots.", "Idle sessions not yet released (they free after 20 minutes).", "One integration opening many sessions (one token per process)."},
		fields:  []Field{instanceField("licences", "a free slot or a reserved seat for the System User"), trustedAppField("SystemUser", "a user with its own licence")},
		steps:   []string{"Wait for idle sessions to close (20 minutes) and retry.", "Reserve a licence seat for the System User, or add licences.", "Reuse the token, and with it its session, across runs instead of requesting a new one each time (this tool keeps it in {keychain}); a check with --no-api uses no licence at all."},
		confirm: "Run the check again; the API steps should pass.",
		doc:     docLicense,
	},
	"api.odata_error": {
		title:   "ERP.net returned a business error[[ ({odata_code})]]",
		what:    "[[{method} {path}||The call]] failed with an ERP.net error[[ {odata_code}]][[: {error_description}]][[ ({odata_type})]]. Authentication worked; the request itself was refused by business rules or data.",
		fields:  []Field{profileField("calls", "body and path"), trustedAppField("SystemUser", "permissions for this operation")},
		steps:   []string{"Read the message: it names the entity, field or rule.", "Fix the request data, or the System User's permissions."},
		confirm: rerunCheck,
		doc:     docODataErrors,
	},
	"api.server_error": {
		title:   "The API failed with a server error[[ ({status_text})]]",
		what:    "[[{method} {path}||The call]] answered[[ {status_text}||with a 5xx]] without an ERP.net error body. The instance or a proxy in front of it is failing.",
		fields:  []Field{instanceField("state", "running")},
		steps:   []string{"Retry in a few minutes.", "If it persists, send the diagnostics report to support."},
		confirm: rerunCheck,
		doc:     docODataErrors,
	},
	"api.login_page": {
		title:   "The API returned a login page instead of JSON",
		what:    "[[{method} {path}||The call]] answered with an HTML sign-in page[[ ({content_type})]]. The token was not accepted, or the URL is a web client page rather than the API.",
		causes:  []string{"The URL points at the web client, not /api/domain/odata/.", "The token was not sent or not accepted."},
		fields:  []Field{profileField("odata_root", "<instance root>/api/domain/odata/"), profileField("calls", "API paths")},
		steps:   []string{"Check the call's path starts with /api/domain/.", "Request a fresh token and retry."},
		confirm: rerunFresh,
		doc:     docStepByStep,
	},
	"api.redirect": {
		title:   "The API redirected[[ to {location}]]",
		what:    "[[{method} {path}||The call]] answered with a redirect[[ to {location}]]. The token was not sent to the new location; an API call should not redirect.",
		causes:  []string{"The instance URL uses an old name or http://.", "A sign-in redirect because the token was not accepted."},
		fields:  []Field{profileField("instance_url", "the final https:// address")},
		steps:   []string{"Use the address the redirect points at as the profile's instance URL, if it is the same instance."},
		confirm: rerunCheck,
		doc:     docURLParts,
	},
	"api.not_json": {
		title:   "The API answered but not with JSON",
		what:    "[[{method} {path}||The call]] succeeded[[ with {content_type}||]], but JSON was expected.",
		fields:  []Field{profileField("calls", "an OData path")},
		steps:   []string{"Check the path is an OData path under /api/domain/odata/."},
		confirm: rerunCheck,
		doc:     docURLParts,
	},
	"api.client_error": {
		title:   "The API rejected the request[[ ({status_text})]]",
		what:    "[[{method} {path}||The call]] answered[[ {status_text}||with a client error]][[: {error_description}]].",
		fields:  []Field{profileField("calls", "method, path and body")},
		steps:   []string{"Check the query syntax ($filter, $select, $top) and the body.", "Read the response body in the exchange view."},
		confirm: rerunCheck,
		doc:     docURLParts,
	},
}
