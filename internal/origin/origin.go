// Package origin compares the places a credential may go: a URL's scheme, host and
// effective port (its origin, RFC 6454), with the host in the form DNS looks up: lower
// case and IDNA (punycode) ASCII, so "аcme" with a Cyrillic а is not "acme". It also
// finds host names that mix scripts in one label, the shape of a look-alike. The
// credential gate (check) and the profile review (profiles) share it.
package origin

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"unicode"

	"golang.org/x/net/idna"
)

// Origin is a URL's scheme, host and effective port. Host is in ASCII (IDNA), lower
// case, IPv6 addresses without brackets; Port is always set (443 for https, 80 for
// http when the URL gives none). Origins are comparable with ==.
type Origin struct {
	Scheme string
	Host   string
	Port   string
	// Unicode is the host as typed when it is not ASCII ("" otherwise), for messages.
	Unicode string
}

// profile is IDNA's lookup mapping (UTS #46: case folding, width mapping) with the
// checks a browser makes, so two spellings of one name give one Origin.
var profile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.Transitional(false))

// Parse reads the origin of an absolute http(s) URL. It refuses a URL without a host,
// another scheme, and a host IDNA cannot map.
func Parse(raw string) (Origin, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return Origin{}, err
	}
	return Of(u)
}

// Of is the origin of u (see Parse).
func Of(u *url.URL) (Origin, error) {
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return Origin{}, fmt.Errorf("%q is not an http(s) address", u.Redacted())
	}
	h := u.Hostname()
	if h == "" {
		return Origin{}, errors.New("the address has no host")
	}
	o := Origin{Scheme: scheme, Port: u.Port()}
	if o.Port == "" {
		o.Port = map[string]string{"http": "80", "https": "443"}[scheme]
	}
	if ip := net.ParseIP(strings.SplitN(h, "%", 2)[0]); ip != nil {
		o.Host = strings.ToLower(h)
		return o, nil
	}
	ascii, err := profile.ToASCII(h)
	if err != nil {
		return Origin{}, fmt.Errorf("the host %q is not a valid international name: %v", h, err)
	}
	o.Host = ascii
	if !isASCII(h) {
		o.Unicode = h
	}
	return o, nil
}

// String is scheme://host[:port], the port only when it is not the scheme's default;
// the host is the ASCII (punycode) form.
func (o Origin) String() string {
	if o.Host == "" {
		return ""
	}
	h := o.Host
	if strings.Contains(h, ":") {
		h = "[" + h + "]"
	}
	if (o.Scheme == "https" && o.Port == "443") || (o.Scheme == "http" && o.Port == "80") {
		return o.Scheme + "://" + h
	}
	return o.Scheme + "://" + h + ":" + o.Port
}

// Display is String, followed by the host as typed when that is not ASCII:
// "https://xn--cme-8cd.my.erp.net (аcme.my.erp.net)".
func (o Origin) Display() string {
	if o.Unicode == "" {
		return o.String()
	}
	return o.String() + " (" + o.Unicode + ")"
}

// HostPort is the host and port as a person reads them: "acme.my.erp.net" for the
// scheme's default port, "acme.my.erp.net:8443" otherwise.
func (o Origin) HostPort() string {
	s := strings.TrimPrefix(strings.TrimPrefix(o.String(), "https://"), "http://")
	return s
}

// Same reports whether a and b parse to the same origin; false when either does not
// parse.
func Same(a, b string) bool {
	oa, err1 := Parse(a)
	ob, err2 := Parse(b)
	return err1 == nil && err2 == nil && oa.Key() == ob.Key()
}

// Key is the origin without its display form, for comparing and as a map key.
func (o Origin) Key() Origin { o.Unicode = ""; return o }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// scripts are the scripts a mixed-script check tells apart (the ones whose letters
// look like Latin ones, and the common others).
var scripts = []struct {
	name string
	tab  *unicode.RangeTable
}{
	{"Latin", unicode.Latin}, {"Cyrillic", unicode.Cyrillic}, {"Greek", unicode.Greek},
	{"Armenian", unicode.Armenian}, {"Cherokee", unicode.Cherokee}, {"Georgian", unicode.Georgian},
	{"Hebrew", unicode.Hebrew}, {"Arabic", unicode.Arabic}, {"Han", unicode.Han},
}

// MixedScript reports the first label of host (as typed, or its punycode form, which
// it decodes) whose letters come from more than one script, e.g. "аcme" (a Cyrillic а
// and Latin cme), and those scripts. Digits and hyphens belong to no script.
func MixedScript(host string) (label string, names []string, ok bool) {
	if u, err := profile.ToUnicode(strings.ToLower(host)); err == nil {
		host = u
	}
	for _, l := range strings.Split(host, ".") {
		var seen []string
		for _, r := range l {
			if !unicode.IsLetter(r) {
				continue
			}
			name := "other"
			for _, s := range scripts {
				if unicode.Is(s.tab, r) {
					name = s.name
					break
				}
			}
			if !contains(seen, name) {
				seen = append(seen, name)
			}
		}
		if len(seen) > 1 {
			return l, seen, true
		}
	}
	return "", nil, false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
