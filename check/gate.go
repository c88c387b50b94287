package check

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"trustedapp-tester/internal/origin"
	"trustedapp-tester/internal/redact"
	"trustedapp-tester/profiles"
)

// The credential gate: the one place that decides where a credential may go. Every
// request of the engine passes it on its way out (it is a layer of the transport chain,
// transport.go), redirect hops and the token request included. Request sites do not
// decide: each declares what its request carries (r.do's carry, the token request's
// context), and the gate checks the declaration against the request itself and the
// destination against the hosts the user named for the profile:
//
//   - the client secret goes only to the origins (scheme, host in DNS form, port) the
//     profile names for it, its authority and its own token endpoint
//     (profiles.SecretOrigins), and, once stored, only to those it was stored for
//     (Profile.SecretFor);
//   - an access token (or a password, for legacy Basic authentication) goes only to the
//     instance's origin, the profile's own OData root and the hosts the user confirmed
//     for the profile (profiles.TokenOrigins), and a token only with the connection
//     settings of the profile it was issued for;
//   - a request that carries a credential it did not declare (an Authorization header,
//     a secret form field, the secret or token in its URL or body) is refused.
//
// A refused request never reaches the proxy or the network: the gate returns a
// *RefusedError, which the capture records as the exchange's error and classifyNetErr
// makes the step's finding (gate.*), naming the host refused and the hosts named.

// Carries is what a request carries, as its site declares it.
type Carries int

const (
	// CarriesNothing: an anonymous request (reachability, discovery, JWKS).
	CarriesNothing Carries = iota
	// CarriesSecret: the client secret, in form fields or a Basic header (the token
	// request).
	CarriesSecret
	// CarriesToken: an access token (a JWT or a reference token) in a Bearer header.
	CarriesToken
	// CarriesPassword: a user's password in a Basic header (legacy Basic
	// authentication to an API).
	CarriesPassword
)

func (c Carries) String() string {
	switch c {
	case CarriesSecret:
		return "the client secret"
	case CarriesToken:
		return "the access token"
	case CarriesPassword:
		return "the password"
	}
	return "nothing"
}

// carry is a request's declaration: what it carries, and for a token which one.
type carry struct {
	what  Carries
	token *AccessToken
}

// anonymous is the declaration of a request that carries no credential.
var anonymous = carry{}

type carryKey struct{}

// declare puts the declaration of what the requests made with ctx carry into ctx.
func declare(ctx context.Context, c carry) context.Context {
	return context.WithValue(ctx, carryKey{}, c)
}

func declared(ctx context.Context) carry {
	c, _ := ctx.Value(carryKey{}).(carry)
	return c
}

// Passage is one request as the gate saw it: what its site declared, where it went,
// what it really carried, and whether it passed (Refused is nil) or why not.
type Passage struct {
	Seq      int64
	Method   string
	URL      string // redacted
	Origin   string // scheme://host[:port], the host in DNS form
	Declared Carries
	// Found says what credentials the request carries by its shape ("a Bearer
	// Authorization header", "a credential field in the form"), "" when none.
	Found   string
	Refused *RefusedError
}

// boundary is where one profile's credentials may go.
type boundary struct {
	profile   string
	secretTo  []string // profiles.SecretOrigins
	secretFor []string // Profile.SecretFor, nil when not recorded
	tokenTo   []string // profiles.TokenOrigins
	conn      string   // connKey
}

func boundaryOf(p profiles.Profile) *boundary {
	b := &boundary{profile: p.Name, secretTo: profiles.SecretOrigins(p), tokenTo: profiles.TokenOrigins(p), conn: connKey(p)}
	if !p.SecretSetAt.IsZero() && len(p.SecretFor) > 0 {
		b.secretFor = profiles.SecretBinding(p, profiles.Profile{}) // the origins it was stored for
	}
	return b
}

// connKey names the connection settings a token is used with: the profile's addresses,
// the hosts confirmed, the proxy and the TLS options. A token is sent only under the
// settings of the profile it was issued for.
func connKey(p profiles.Profile) string {
	return strings.Join([]string{p.Root(), p.AuthorityURL(), p.TokenURL(), p.ODataRootURL(),
		strings.Join(profiles.TokenOrigins(p), " "), strings.TrimSpace(p.Proxy),
		strings.TrimSpace(p.TLS.CAFile), fmt.Sprint(p.TLS.InsecureSkipVerify)}, "\n")
}

// gate is the transport layer that lets a credential through only to where the
// boundary says.
type gate struct {
	next  http.RoundTripper
	b     *boundary
	raw   *rawCredentials
	watch func(Passage)
	seq   *atomic.Int64
}

// rawCredentials are the run's credentials as sent (the secret, the tokens), to find
// them where no request declares them. Only values of 8 characters or more are looked
// for: a shorter one would match ordinary text.
type rawCredentials struct {
	mu     sync.Mutex
	values []string
}

func (c *rawCredentials) add(vs ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, v := range vs {
		if len(v) >= 8 && !slices.Contains(c.values, v) {
			c.values = append(c.values, v)
		}
	}
}

// in reports whether text holds one of the credentials, raw or percent-encoded.
func (c *rawCredentials) in(text string) bool {
	if c == nil || text == "" {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, v := range c.values {
		if strings.Contains(text, v) || strings.Contains(text, url.QueryEscape(v)) || strings.Contains(text, url.PathEscape(v)) {
			return true
		}
	}
	return false
}

func (g *gate) RoundTrip(req *http.Request) (*http.Response, error) {
	c := declared(req.Context())
	p := Passage{Seq: g.seq.Add(1), Method: req.Method, URL: redact.URL(req.URL.String()), Declared: c.what}
	dest, err := origin.Of(req.URL)
	if err == nil {
		p.Origin = dest.String()
	}
	found, bodyErr := g.credentialsOn(req)
	if bodyErr != nil {
		return nil, bodyErr
	}
	p.Found = found.String()
	p.Refused = g.judge(c, found, dest, err, req)
	if g.watch != nil {
		g.watch(p)
	}
	if p.Refused != nil {
		return nil, p.Refused
	}
	return g.next.RoundTrip(req.WithContext(context.WithValue(req.Context(), passedKey{}, p.Seq)))
}

// passedKey marks a request the gate let through with its Passage's Seq, for the
// layers below (tests check that nothing reaches the wire without it).
type passedKey struct{}

// passedSeq is the Seq of the gate's Passage of req, 0 when req did not pass the gate.
func passedSeq(req *http.Request) int64 {
	n, _ := req.Context().Value(passedKey{}).(int64)
	return n
}

// What a request carries, by its shape.
type carried int

const (
	authBasic   carried = 1 << iota // Authorization: Basic
	authBearer                      // Authorization: Bearer
	authOther                       // Authorization: another scheme
	fieldInURL                      // a credential field (client_secret, access_token, ...) in the query
	rawInURL                        // the run's secret or token in the URL
	fieldInForm                     // a credential field in a form body
	rawInBody                       // the run's secret or token in the body
)

// allowed is what each declaration may carry.
var allowed = map[Carries]carried{
	CarriesNothing:  0,
	CarriesSecret:   authBasic | fieldInForm | rawInBody, // client_secret_basic or _post
	CarriesToken:    authBearer,
	CarriesPassword: authBasic,
}

func (c carried) String() string {
	var out []string
	for _, x := range []struct {
		bit  carried
		text string
	}{{authBasic, "a Basic Authorization header"}, {authBearer, "a Bearer Authorization header"}, {authOther, "an Authorization header"},
		{fieldInURL, "a credential field in the URL"}, {rawInURL, "a credential of this run in the URL"},
		{fieldInForm, "a credential field in the form"}, {rawInBody, "a credential of this run in the body"}} {
		if c&x.bit != 0 {
			out = append(out, x.text)
		}
	}
	return strings.Join(out, " and ")
}

// credentialsOn says what credentials req carries by its shape: an Authorization
// header, a credential field in its query or form body, or one of the run's
// credentials anywhere in its URL or body. Below the capture the body is bytes in
// memory, read and put back here.
func (g *gate) credentialsOn(req *http.Request) (carried, error) {
	var c carried
	if a := req.Header.Get("Authorization"); a != "" {
		scheme, _, _ := strings.Cut(strings.TrimSpace(a), " ")
		switch strings.ToLower(scheme) {
		case "basic":
			c |= authBasic
		case "bearer":
			c |= authBearer
		default:
			c |= authOther
		}
	}
	for name := range req.URL.Query() {
		if redact.IsSecretField(name) {
			c |= fieldInURL
		}
	}
	if g.raw.in(req.URL.String()) {
		c |= rawInURL
	}
	if req.Body == nil || req.Body == http.NoBody {
		return c, nil
	}
	b, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return c, err
	}
	req.Body = io.NopCloser(strings.NewReader(string(b)))
	if isForm(req.Header.Get("Content-Type")) {
		if form, err := url.ParseQuery(string(b)); err == nil {
			for name, vs := range form {
				if redact.IsSecretField(name) && strings.Join(vs, "") != "" {
					c |= fieldInForm
				}
			}
		}
	}
	if g.raw.in(string(b)) {
		c |= rawInBody
	}
	return c, nil
}

// judge is the gate's decision: nil to let req through.
func (g *gate) judge(c carry, found carried, dest origin.Origin, destErr error, req *http.Request) *RefusedError {
	refuse := func(code string) *RefusedError {
		return &RefusedError{Code: code, What: c.what, URL: redact.URL(req.URL.String()), To: dest.Display(), Found: found.String(), Profile: g.b.profile}
	}
	if found&^allowed[c.what] != 0 {
		return refuse(GateUndeclared)
	}
	if found == 0 {
		return nil // nothing on it (an anonymous request; a token request without a secret)
	}
	if destErr != nil {
		e := refuse(foreignHost(c.what))
		e.To = req.URL.Host
		e.Named = g.named(c.what)
		return e
	}
	to := dest.String()
	switch c.what {
	case CarriesSecret:
		if !slices.Contains(g.b.secretTo, to) {
			e := refuse(GateSecretForeignHost)
			e.Named = g.b.secretTo
			return e
		}
		if g.b.secretFor != nil && !slices.Contains(g.b.secretFor, to) {
			e := refuse(GateSecretMoved)
			e.Named = g.b.secretFor
			return e
		}
	case CarriesToken, CarriesPassword:
		if !slices.Contains(g.b.tokenTo, to) {
			e := refuse(GateTokenForeignHost)
			e.Named = g.b.tokenTo
			return e
		}
		if t := c.token; t != nil && t.issued != nil && t.issued.conn != g.b.conn {
			e := refuse(GateOtherSettings)
			e.Named = g.b.tokenTo
			e.TokenProfile = t.issued.profile
			e.TokenInstance = t.issued.instance
			return e
		}
	}
	return nil
}

func foreignHost(what Carries) string {
	if what == CarriesSecret {
		return GateSecretForeignHost
	}
	return GateTokenForeignHost
}

func (g *gate) named(what Carries) []string {
	if what == CarriesSecret {
		return g.b.secretTo
	}
	return g.b.tokenTo
}

// RefusedError is a request the credential gate did not let through.
type RefusedError struct {
	// Code is the finding's: GateSecretForeignHost, GateTokenForeignHost,
	// GateSecretMoved, GateOtherSettings or GateUndeclared.
	Code string
	What Carries
	URL  string // redacted
	// To is the origin refused; Named the origins the profile names for this credential
	// (for GateSecretMoved: those the secret was stored for).
	To    string
	Named []string
	Found string // what the request carried, by its shape
	// Profile is the profile whose settings the request was made with; TokenProfile and
	// TokenInstance whose token it carried (GateOtherSettings).
	Profile, TokenProfile, TokenInstance string
}

func (e *RefusedError) Error() string {
	return "refused by the credential gate: " + e.sentence()
}

func (e *RefusedError) sentence() string {
	named := strings.Join(e.Named, ", ")
	switch e.Code {
	case GateSecretMoved:
		return fmt.Sprintf("the client secret was not sent to %s: it was stored for %s, and the profile now sends it to %s", e.To, named, e.To)
	case GateOtherSettings:
		return fmt.Sprintf("the access token of %q was not sent to %s: a token is used only with the connection settings of the profile it was issued for (%q, instance %s), not with those of %q", e.TokenProfile, e.To, e.TokenProfile, e.TokenInstance, e.Profile)
	case GateUndeclared:
		return fmt.Sprintf("the request to %s carried %s, which it did not declare (it declared %s)", e.To, e.Found, e.What)
	}
	if e.What == CarriesSecret {
		return fmt.Sprintf("the client secret was not sent to %s: it goes only to the hosts named for it in the profile (%s)", e.To, named)
	}
	return fmt.Sprintf("%s was not sent to %s: it goes only to the hosts named for it in the profile (%s)", e.What, e.To, named)
}

// finding is the refusal as the step's finding.
func (e *RefusedError) finding() Finding {
	ev := map[string]string{EvURL: e.URL, EvCredential: strings.TrimPrefix(e.What.String(), "the "), EvRefusedHost: e.To,
		EvNamedHosts: strings.Join(e.Named, " "), EvExpected: strings.Join(e.Named, " "), EvActual: e.To}
	if e.TokenProfile != "" {
		ev[EvTokenProfile] = e.TokenProfile
	}
	var msg string
	switch e.Code {
	case GateSecretForeignHost:
		msg = fmt.Sprintf("The client secret was not sent to %s: it is not a host named for it in this profile (%s).", e.To, strings.Join(e.Named, ", "))
	case GateTokenForeignHost:
		msg = fmt.Sprintf("The %s was not sent to %s: it is not a host you named for this profile (%s). If it really serves this instance's API, confirm it for the profile.", strings.TrimPrefix(e.What.String(), "the "), e.To, strings.Join(e.Named, ", "))
	case GateSecretMoved:
		msg = fmt.Sprintf("The client secret was not sent to %s: it was stored for %s, and the profile has changed hosts since. Move the secret to the new host (profiles edit --move-secrets, or the editor), or set it again.", e.To, strings.Join(e.Named, ", "))
	case GateOtherSettings:
		msg = fmt.Sprintf("The access token of %q was not sent to %s: a token is used only with the connection settings (addresses, proxy, TLS) of the profile it was issued for, and this request used those of %q.", e.TokenProfile, e.To, e.Profile)
	default:
		msg = fmt.Sprintf("A request to %s carried %s without declaring it, so the credential gate refused it: a defect of Trusted App Tester, please report it.", e.To, e.Found)
	}
	return newFinding(e.Code, msg, ev)
}

// refusal is the gate's refusal in err, if that is what err is.
func refusal(err error) (*RefusedError, bool) {
	var re *RefusedError
	return re, errors.As(err, &re)
}
