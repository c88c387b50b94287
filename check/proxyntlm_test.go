package check

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
)

// ntlmProxy is a CONNECT proxy that demands NTLM (or Negotiate carrying NTLM), as a
// company's proxy does: the first CONNECT gets 407 with the schemes it takes, a type 1
// (NEGOTIATE) message gets 407 with a type 2 (CHALLENGE) on the same connection, and
// a type 3 (AUTHENTICATE) message opens the tunnel only if its NTLMv2 response proves
// the password for the server challenge sent on that very connection.
type ntlmProxy struct {
	Addr    string
	Schemes []string // offered, in order ("Negotiate", "NTLM")
	Domain  string
	User    string
	NTHash  []byte // MD4 of the password in UTF-16LE
	Target  string // where every tunnel goes (made-up names resolve here)
	// AnyUser accepts any user and password whose AUTHENTICATE message is a
	// well-formed NTLMv2 answer to this connection's challenge (the signed-in Windows
	// user's, whose password a test cannot know), and records who signed in.
	AnyUser  bool
	SignedIn []string
	// CloseAfterChallenge closes the connection after the 407 that carries the
	// challenge (a proxy that breaks the handshake).
	CloseAfterChallenge bool

	mu         sync.Mutex
	negotiates int
	accepted   int
	refused    []string
	tunnels    []string // the CONNECT targets passed on
}

func newNTLMProxy(t *testing.T, target string, schemes ...string) *ntlmProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := hex.DecodeString("a4f49c406510bdcab6824ee7c30fd852") // MD4(UTF-16LE "Password")
	px := &ntlmProxy{Addr: l.Addr().String(), Schemes: schemes, Domain: "CORP", User: "alice", NTHash: hash, Target: target}
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() { defer wg.Done(); px.serve(c) }()
		}
	}()
	return px
}

func (px *ntlmProxy) counts() (negotiates, accepted int, refused []string) {
	px.mu.Lock()
	defer px.mu.Unlock()
	return px.negotiates, px.accepted, append([]string(nil), px.refused...)
}

func (px *ntlmProxy) refuse(why string) {
	px.mu.Lock()
	px.refused = append(px.refused, why)
	px.mu.Unlock()
}

func (px *ntlmProxy) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	br := bufio.NewReader(c)
	var challenge []byte // the server challenge sent on this connection
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		if req.Method != http.MethodConnect {
			io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
			continue
		}
		scheme, tok := px.token(req.Header.Get("Proxy-Authorization"))
		switch {
		case tok == nil:
			px.ask(c, nil, "")
		case len(tok) >= 12 && binary.LittleEndian.Uint32(tok[8:]) == 1:
			px.mu.Lock()
			px.negotiates++
			px.mu.Unlock()
			challenge = make([]byte, 8)
			rand.Read(challenge)
			px.ask(c, challengeMessage(challenge, px.Domain), scheme)
			if px.CloseAfterChallenge {
				return
			}
		case len(tok) >= 12 && binary.LittleEndian.Uint32(tok[8:]) == 3:
			if challenge == nil {
				px.refuse("an AUTHENTICATE message on a connection that got no challenge")
				px.ask(c, nil, "")
				continue
			}
			if err := px.verify(tok, challenge); err != nil {
				px.refuse(err.Error())
				challenge = nil
				px.ask(c, nil, "")
				continue
			}
			px.mu.Lock()
			px.accepted++
			px.tunnels = append(px.tunnels, req.Host)
			px.mu.Unlock()
			px.tunnel(c, br)
			return
		default:
			px.refuse(fmt.Sprintf("not an NTLM message: %q", tok))
			px.ask(c, nil, "")
		}
	}
}

// token is the NTLM message of a Proxy-Authorization header in a scheme offered.
func (px *ntlmProxy) token(h string) (string, []byte) {
	scheme, b64, ok := strings.Cut(h, " ")
	if !ok {
		return "", nil
	}
	for _, s := range px.Schemes {
		if strings.EqualFold(s, scheme) {
			b, err := base64.StdEncoding.DecodeString(b64)
			if err != nil || !bytes.HasPrefix(b, []byte("NTLMSSP\x00")) {
				return scheme, []byte("bad")
			}
			return s, b
		}
	}
	return "", nil
}

// ask answers 407: with the schemes offered, or with scheme's challenge.
func (px *ntlmProxy) ask(c net.Conn, msg []byte, scheme string) {
	var b strings.Builder
	b.WriteString("HTTP/1.1 407 Proxy Authentication Required\r\n")
	if msg != nil {
		fmt.Fprintf(&b, "Proxy-Authenticate: %s %s\r\n", scheme, base64.StdEncoding.EncodeToString(msg))
	} else {
		for _, s := range px.Schemes {
			fmt.Fprintf(&b, "Proxy-Authenticate: %s\r\n", s)
		}
	}
	if msg != nil && px.CloseAfterChallenge {
		b.WriteString("Connection: close\r\n")
	}
	b.WriteString("Content-Type: text/html\r\nContent-Length: 23\r\n\r\n<h1>Sign in first</h1>\n")
	io.WriteString(c, b.String())
}

func (px *ntlmProxy) tunnel(c net.Conn, br *bufio.Reader) {
	up, err := net.DialTimeout("tcp", px.Target, 5*time.Second)
	if err != nil {
		io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
		return
	}
	defer up.Close()
	c.SetDeadline(time.Time{})
	io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
	go func() {
		io.Copy(up, br)
		up.Close()
	}()
	io.Copy(c, up)
}

// challengeMessage is a type 2 message: NTLMv2 with extended session security,
// Unicode, the server challenge and a target information block.
func challengeMessage(challenge []byte, domain string) []byte {
	const flags = 0x00000001 | 0x00000200 | 0x00080000 | 0x00800000 | 0x00010000 | 0x20000000 | 0x80000000 | 0x02000000
	name := utf16le(domain)
	var info bytes.Buffer
	for _, av := range []struct {
		id  uint16
		val []byte
	}{{2, name}, {1, utf16le("PROXY")}, {0, nil}} {
		binary.Write(&info, binary.LittleEndian, av.id)
		binary.Write(&info, binary.LittleEndian, uint16(len(av.val)))
		info.Write(av.val)
	}
	const head = 56
	m := make([]byte, head)
	copy(m, "NTLMSSP\x00")
	binary.LittleEndian.PutUint32(m[8:], 2)
	binary.LittleEndian.PutUint16(m[12:], uint16(len(name)))
	binary.LittleEndian.PutUint16(m[14:], uint16(len(name)))
	binary.LittleEndian.PutUint32(m[16:], head)
	binary.LittleEndian.PutUint32(m[20:], flags)
	copy(m[24:], challenge)
	binary.LittleEndian.PutUint16(m[40:], uint16(info.Len()))
	binary.LittleEndian.PutUint16(m[42:], uint16(info.Len()))
	binary.LittleEndian.PutUint32(m[44:], uint32(head+len(name)))
	m[48], m[49] = 10, 0 // version 10.0
	m[55] = 15
	return append(append(m, name...), info.Bytes()...)
}

// verify checks a type 3 message: the user and domain, and the NTLMv2 proof
// HMAC-MD5(NTOWFv2, server challenge + the client's blob).
func (px *ntlmProxy) verify(msg, challenge []byte) error {
	field := func(off int) ([]byte, error) {
		if len(msg) < off+8 {
			return nil, errors.New("AUTHENTICATE message too short")
		}
		n := int(binary.LittleEndian.Uint16(msg[off:]))
		at := int(binary.LittleEndian.Uint32(msg[off+4:]))
		if at+n > len(msg) {
			return nil, errors.New("AUTHENTICATE field out of the message")
		}
		return msg[at : at+n], nil
	}
	nt, err := field(20)
	if err != nil {
		return err
	}
	dom, err := field(28)
	if err != nil {
		return err
	}
	user, err := field(36)
	if err != nil {
		return err
	}
	name, domain := fromUTF16(user), fromUTF16(dom)
	if px.AnyUser {
		if len(nt) <= 16 || name == "" {
			return errors.New("not an NTLMv2 response with a user name")
		}
		px.mu.Lock()
		px.SignedIn = append(px.SignedIn, domain+`\`+name)
		px.mu.Unlock()
		return nil
	}
	if u, d, upn := strings.Cut(name, "@"); upn && domain == "" {
		name, domain = u, d // user@domain, as a user principal name
	}
	if name != px.User || !strings.EqualFold(domain, px.Domain) {
		return fmt.Errorf("signed in as %s\\%s, want %s\\%s", domain, name, px.Domain, px.User)
	}
	if len(nt) <= 16 {
		return errors.New("not an NTLMv2 response")
	}
	owf := hmacMD5(px.NTHash, utf16le(strings.ToUpper(fromUTF16(user))+fromUTF16(dom)))
	proof := hmacMD5(owf, challenge, nt[16:])
	if !hmac.Equal(proof, nt[:16]) {
		return errors.New("the NTLMv2 response does not prove the password")
	}
	return nil
}

func hmacMD5(key []byte, data ...[]byte) []byte {
	h := hmac.New(md5.New, key)
	for _, d := range data {
		h.Write(d)
	}
	return h.Sum(nil)
}

func utf16le(s string) []byte {
	var b []byte
	for _, r := range utf16.Encode([]rune(s)) {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

func fromUTF16(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}
