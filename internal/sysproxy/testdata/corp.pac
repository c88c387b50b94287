// A company's PAC file: the ERP instances through one proxy, the partner APIs through
// another with a direct fallback, the intranet and everything else direct.
function FindProxyForURL(url, host) {
	if (isPlainHostName(host) || dnsDomainIs(host, ".intranet.example")) {
		return "DIRECT";
	}
	if (dnsDomainIs(host, ".my.erp.example")) {
		return "PROXY erp-proxy.corp.example:8080";
	}
	if (shExpMatch(host, "*.api.example")) {
		return "PROXY api-proxy.corp.example:3128; DIRECT";
	}
	return "DIRECT";
}
