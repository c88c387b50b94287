package check

import (
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// OAuthError is an RFC 6749 section 5.2 error body.
type OAuthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
	URI         string `json:"error_uri,omitempty"`
}

// ParseOAuthError reads an OAuth error body (JSON, or form-encoded as some old
// servers send). ok is false when body holds no "error" field.
func ParseOAuthError(body []byte) (e OAuthError, ok bool) {
	var raw map[string]any
	if err := json.Unmarshal(body, &raw); err == nil {
		e.Error, _ = raw["error"].(string)
		e.Description, _ = raw["error_description"].(string)
		e.URI, _ = raw["error_uri"].(string)
		return e, e.Error != ""
	}
	s := strings.TrimSpace(string(body))
	if strings.Contains(s, "error=") && !strings.ContainsAny(s, "<{ \n") {
		for _, kv := range strings.Split(s, "&") {
			k, v, _ := strings.Cut(kv, "=")
			v = unescape(v)
			switch k {
			case "error":
				e.Error = v
			case "error_description":
				e.Description = v
			case "error_uri":
				e.URI = v
			}
		}
	}
	return e, e.Error != ""
}

func unescape(s string) string {
	s = strings.ReplaceAll(s, "+", " ")
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if b, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				out = append(out, byte(b))
				i += 2
				continue
			}
		}
		out = append(out, s[i])
	}
	return string(out)
}

// ODataError is ERP.net's OData error, in either documented shape:
// {"error":{"message","code","type","info",...}} or the same fields unwrapped.
type ODataError struct {
	Message string
	Code    string // a number such as 2029, kept as text
	Type    string
	Info    string
}

// ParseODataError reads an OData error body. ok is false when neither shape matches.
func ParseODataError(body []byte) (e ODataError, ok bool) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return e, false
	}
	obj := raw
	if inner, has := raw["error"]; has {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(inner, &m); err != nil {
			return e, false // {"error":"invalid_token"} is OAuth, not OData
		}
		obj = m
	}
	e.Message = jsonText(obj["message"])
	e.Code = jsonText(obj["code"])
	e.Type = jsonText(obj["type"])
	e.Info = jsonText(obj["info"])
	// OData v4 nests message as {"lang":..,"value":..} in some servers.
	if e.Message == "" {
		var mv struct {
			Value string `json:"value"`
		}
		if json.Unmarshal(obj["message"], &mv) == nil {
			e.Message = mv.Value
		}
	}
	return e, e.Message != "" || (e.Code != "" && e.Type != "")
}

func jsonText(v json.RawMessage) string {
	if len(v) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(v, &n) == nil {
		return n.String()
	}
	return ""
}

// Challenge is a parsed WWW-Authenticate challenge.
type Challenge struct {
	Scheme string
	Params map[string]string // lower-case names: error, error_description, scope, realm
}

// ParseWWWAuthenticate parses the first challenge of a WWW-Authenticate header
// (RFC 7235: scheme then comma-separated name=value or name="quoted value").
func ParseWWWAuthenticate(h string) (Challenge, bool) {
	h = strings.TrimSpace(h)
	if h == "" {
		return Challenge{}, false
	}
	scheme, rest, _ := strings.Cut(h, " ")
	c := Challenge{Scheme: scheme, Params: map[string]string{}}
	for rest = strings.TrimSpace(rest); rest != ""; {
		eq := strings.IndexByte(rest, '=')
		if eq < 0 {
			break
		}
		name := strings.ToLower(strings.TrimSpace(rest[:eq]))
		rest = strings.TrimSpace(rest[eq+1:])
		var val string
		if strings.HasPrefix(rest, `"`) {
			var b strings.Builder
			i := 1
			for ; i < len(rest); i++ {
				if rest[i] == '\\' && i+1 < len(rest) {
					i++
					b.WriteByte(rest[i])
					continue
				}
				if rest[i] == '"' {
					break
				}
				b.WriteByte(rest[i])
			}
			val = b.String()
			if i < len(rest) {
				i++
			}
			rest = rest[i:]
		} else {
			end := strings.IndexByte(rest, ',')
			if end < 0 {
				end = len(rest)
			}
			val = strings.TrimSpace(rest[:end])
			rest = rest[end:]
		}
		c.Params[name] = val
		rest = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), ","))
	}
	return c, true
}

// ParseRetryAfter reads a Retry-After header (seconds or an HTTP date) as a duration
// from now; ok is false when absent or unreadable.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// looksHTML reports whether a response is an HTML page (by content type or body).
func looksHTML(contentType string, body []byte) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "text/html" || mt == "application/xhtml+xml" {
		return true
	}
	s := strings.ToLower(strings.TrimSpace(string(body[:min(len(body), 512)])))
	return strings.HasPrefix(s, "<!doctype html") || strings.HasPrefix(s, "<html")
}

func isJSONType(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

func isXMLType(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	return mt == "application/xml" || mt == "text/xml" || strings.HasSuffix(mt, "+xml")
}
