package sysproxy

import (
	"bufio"
	"strconv"
	"strings"
)

// ParseScutil reads the output of macOS' `scutil --proxy`, the dictionary
// SCDynamicStoreCopyProxies returns:
//
//	<dictionary> {
//	  ExceptionsList : <array> {
//	    0 : *.local
//	  }
//	  HTTPSEnable : 1
//	  HTTPSPort : 8080
//	  HTTPSProxy : proxy.corp.example
//	  ProxyAutoConfigEnable : 1
//	  ProxyAutoConfigURLString : http://wpad.corp.example/proxy.pac
//	}
func ParseScutil(out string) Settings {
	vals := map[string]string{}
	var exceptions []string
	depth, list := 0, ""
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "}" {
			if depth--; depth <= 1 {
				list = ""
			}
			continue
		}
		k, v, ok := strings.Cut(line, " : ")
		if !ok {
			if strings.HasSuffix(line, "{") {
				depth++
			}
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch {
		case strings.HasSuffix(v, "{"):
			if depth == 1 {
				list = k
			}
			depth++
		case depth == 1:
			vals[k] = v
		case depth == 2 && list == "ExceptionsList":
			exceptions = append(exceptions, v)
		}
	}
	on := func(k string) bool { n, _ := strconv.Atoi(vals[k]); return n != 0 }
	s := Settings{Where: "macOS network settings"}
	for _, p := range []struct{ scheme, key string }{{"http", "HTTP"}, {"https", "HTTPS"}, {"socks", "SOCKS"}} {
		host := vals[p.key+"Proxy"]
		if !on(p.key+"Enable") || host == "" {
			continue
		}
		if s.Proxies == nil {
			s.Proxies = map[string]string{}
		}
		if port := vals[p.key+"Port"]; port != "" {
			host += ":" + port
		}
		s.Proxies[p.scheme] = host
	}
	if on("ProxyAutoConfigEnable") {
		s.PACURL = vals["ProxyAutoConfigURLString"]
	}
	s.AutoDetect = on("ProxyAutoDiscoveryEnable")
	s.Bypass = exceptions
	if on("ExcludeSimpleHostnames") {
		s.Bypass = append(s.Bypass, "<local>")
	}
	return s
}
