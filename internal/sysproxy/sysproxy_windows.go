package sysproxy

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

// Windows: the user's Internet Options through WinHTTP, the registry, then WinHTTP's
// default; WPAD and PAC files evaluated by WinHTTP (WinHttpGetProxyForUrl), which
// downloads and runs the script as the system's own clients do.

var (
	winhttp                      = windows.NewLazySystemDLL("winhttp.dll")
	kernel32                     = windows.NewLazySystemDLL("kernel32.dll")
	procGetIEProxyConfig         = winhttp.NewProc("WinHttpGetIEProxyConfigForCurrentUser")
	procGetDefaultProxyConfig    = winhttp.NewProc("WinHttpGetDefaultProxyConfiguration")
	procOpen                     = winhttp.NewProc("WinHttpOpen")
	procCloseHandle              = winhttp.NewProc("WinHttpCloseHandle")
	procSetTimeouts              = winhttp.NewProc("WinHttpSetTimeouts")
	procGetProxyForURL           = winhttp.NewProc("WinHttpGetProxyForUrl")
	procDetectAutoProxyConfigURL = winhttp.NewProc("WinHttpDetectAutoProxyConfigUrl")
	procGlobalFree               = kernel32.NewProc("GlobalFree")
)

const (
	accessTypeNoProxy    = 1
	autoProxyAutoDetect  = 0x1
	autoProxyConfigURL   = 0x2
	autoDetectTypeDHCP   = 0x1
	autoDetectTypeDNSA   = 0x2
	scriptTimeoutMillis  = 10000
	internetSettingsPath = `Software\Microsoft\Windows\CurrentVersion\Internet Settings`
)

// WINHTTP_CURRENT_USER_IE_PROXY_CONFIG
type ieProxyConfig struct {
	autoDetect    int32
	autoConfigURL *uint16
	proxy         *uint16
	proxyBypass   *uint16
}

// WINHTTP_PROXY_INFO
type proxyInfo struct {
	accessType  uint32
	proxy       *uint16
	proxyBypass *uint16
}

// WINHTTP_AUTOPROXY_OPTIONS
type autoProxyOptions struct {
	flags                 uint32
	autoDetectFlags       uint32
	autoConfigURL         *uint16
	reserved              uintptr
	reservedDWORD         uint32
	autoLogonIfChallenged int32
}

// take returns the string WinHTTP allocated at p and frees it.
func take(p *uint16) string {
	if p == nil {
		return ""
	}
	s := windows.UTF16PtrToString(p)
	procGlobalFree.Call(uintptr(unsafe.Pointer(p)))
	return s
}

type regSettings struct {
	enable         bool
	server, bypass string
	pac            string
}

// readRegistry reads Internet Settings from HKCU, or from HKLM when the machine's
// policy says the settings are per machine (ProxySettingsPerUser = 0).
func readRegistry() regSettings {
	root := registry.CURRENT_USER
	if k, err := registry.OpenKey(registry.LOCAL_MACHINE, `Software\Policies\Microsoft\Windows\CurrentVersion\Internet Settings`, registry.QUERY_VALUE); err == nil {
		if v, _, err := k.GetIntegerValue("ProxySettingsPerUser"); err == nil && v == 0 {
			root = registry.LOCAL_MACHINE
		}
		k.Close()
	}
	var s regSettings
	k, err := registry.OpenKey(root, internetSettingsPath, registry.QUERY_VALUE)
	if err != nil {
		return s
	}
	defer k.Close()
	if v, _, err := k.GetIntegerValue("ProxyEnable"); err == nil {
		s.enable = v != 0
	}
	s.server, _, _ = k.GetStringValue("ProxyServer")
	s.bypass, _, _ = k.GetStringValue("ProxyOverride")
	s.pac, _, _ = k.GetStringValue("AutoConfigURL")
	return s
}

func system() (Settings, PAC, error) {
	s := Settings{Where: "Internet Options"}
	var manual, bypass string
	var ie ieProxyConfig
	if procGetIEProxyConfig.Find() == nil {
		if r, _, _ := procGetIEProxyConfig.Call(uintptr(unsafe.Pointer(&ie))); r != 0 {
			s.AutoDetect = ie.autoDetect != 0
			s.PACURL = take(ie.autoConfigURL)
			manual = take(ie.proxy)
			bypass = take(ie.proxyBypass)
		}
	}
	// The registry's values, where WinHTTP's reading of the Internet Options has none
	// (Windows keeps both in step; a value set by a script or a policy may be only in
	// the registry).
	reg := readRegistry()
	if manual == "" && reg.enable && reg.server != "" {
		manual, bypass = reg.server, reg.bypass
	}
	if s.PACURL == "" {
		s.PACURL = reg.pac
	}
	if manual == "" && !s.AutoDetect && s.PACURL == "" && procGetDefaultProxyConfig.Find() == nil {
		var pi proxyInfo
		if r, _, _ := procGetDefaultProxyConfig.Call(uintptr(unsafe.Pointer(&pi))); r != 0 {
			p, b := take(pi.proxy), take(pi.proxyBypass)
			if pi.accessType != accessTypeNoProxy && p != "" {
				s.Where, manual, bypass = "WinHTTP (netsh winhttp)", p, b
			}
		}
	}
	s.Proxies = ParseProxyServer(manual)
	s.Bypass = SplitBypass(bypass)
	return s, winHTTP{}, nil
}

// winHTTP evaluates PAC files with WinHTTP.
type winHTTP struct{}

// detected is the last WPAD detection, kept for detectTTL: each run asks again only
// after that (Windows' own WinHTTP service keeps such results too).
var detected struct {
	sync.Mutex
	at  time.Time
	url string
	err error
}

const detectTTL = 5 * time.Minute

func (w winHTTP) Detect(ctx context.Context) (string, error) {
	detected.Lock()
	if !detected.at.IsZero() && time.Since(detected.at) < detectTTL {
		defer detected.Unlock()
		return detected.url, detected.err
	}
	detected.Unlock()
	u, err := w.detect(ctx)
	if ctx.Err() == nil {
		detected.Lock()
		detected.at, detected.url, detected.err = time.Now(), u, err
		detected.Unlock()
	}
	return u, err
}

func (winHTTP) detect(ctx context.Context) (string, error) {
	return inBackground(ctx, func() (string, error) {
		var p *uint16
		r, _, err := procDetectAutoProxyConfigURL.Call(autoDetectTypeDHCP|autoDetectTypeDNSA, uintptr(unsafe.Pointer(&p)))
		if r == 0 {
			return "", winhttpError(err)
		}
		return take(p), nil
	})
}

func (winHTTP) Eval(ctx context.Context, pacURL, target string) (string, error) {
	return inBackground(ctx, func() (string, error) {
		agent, _ := windows.UTF16PtrFromString("trustedapp-tester")
		h, _, err := procOpen.Call(uintptr(unsafe.Pointer(agent)), accessTypeNoProxy, 0, 0, 0)
		if h == 0 {
			return "", winhttpError(err)
		}
		defer procCloseHandle.Call(h)
		procSetTimeouts.Call(h, scriptTimeoutMillis, scriptTimeoutMillis, scriptTimeoutMillis, scriptTimeoutMillis)
		u, err := windows.UTF16PtrFromString(pacURL)
		if err != nil {
			return "", err
		}
		t, err := windows.UTF16PtrFromString(target)
		if err != nil {
			return "", err
		}
		opts := autoProxyOptions{flags: autoProxyConfigURL, autoConfigURL: u, autoLogonIfChallenged: 1}
		var pi proxyInfo
		r, _, err := procGetProxyForURL.Call(h, uintptr(unsafe.Pointer(t)), uintptr(unsafe.Pointer(&opts)), uintptr(unsafe.Pointer(&pi)))
		runtime.KeepAlive(u)
		runtime.KeepAlive(t)
		if r == 0 {
			return "", winhttpError(err)
		}
		p, _ := take(pi.proxy), take(pi.proxyBypass)
		if pi.accessType == accessTypeNoProxy || p == "" {
			return "DIRECT", nil
		}
		return p, nil
	})
}

// inBackground runs f (a blocking WinHTTP call) and returns its answer, or ctx's
// error when ctx ends first (f then finishes on its own).
func inBackground(ctx context.Context, f func() (string, error)) (string, error) {
	type answer struct {
		s   string
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		s, err := f()
		ch <- answer{s, err}
	}()
	select {
	case a := <-ch:
		return a.s, a.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// winhttpError names WinHTTP's automatic-proxy errors (their text is in winhttp.dll,
// which FormatMessage on the system table does not read).
func winhttpError(err error) error {
	var errno windows.Errno
	if !errors.As(err, &errno) {
		return err
	}
	switch errno {
	case 12167:
		return errors.New("it could not be downloaded (WinHTTP error 12167)")
	case 12166:
		return errors.New("it has an error in its script (WinHTTP error 12166)")
	case 12180:
		return errors.New("no PAC file was found on this network (WinHTTP error 12180)")
	case 12178:
		return errors.New("the WinHTTP Web Proxy Auto-Discovery service failed (WinHTTP error 12178)")
	case 12002:
		return errors.New("it took too long (WinHTTP error 12002)")
	case 12005, 12006:
		return fmt.Errorf("its address is not a URL WinHTTP can read (WinHTTP error %d)", errno)
	}
	return fmt.Errorf("WinHTTP error %d: %v", uint32(errno), err)
}
