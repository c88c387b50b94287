//go:build darwin && cgo

package sysproxy

import (
	"context"

	"github.com/mattn/go-ieproxy"
)

// cfNetwork evaluates PAC files with CFNetwork (CFNetworkExecuteProxyAutoConfigurationURL,
// through go-ieproxy, which needs cgo). It cannot detect a PAC file by WPAD.
type cfNetwork struct{}

func darwinPAC() PAC { return cfNetwork{} }

func (cfNetwork) Detect(context.Context) (string, error) {
	return "", errNoDetect
}

// Eval answers "host:port", or "" for DIRECT (and where CFNetwork failed: go-ieproxy
// does not tell the two apart).
func (cfNetwork) Eval(ctx context.Context, pacURL, target string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	conf := ieproxy.ProxyScriptConf{Active: true, PreConfiguredURL: pacURL}
	return conf.FindProxyForURL(target), nil
}
