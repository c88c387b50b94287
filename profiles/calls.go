package profiles

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Method is an HTTP method an API call may use.
type Method struct {
	Name string
	// Body is true when the method normally carries a request body (the editor shows
	// the body field, validation warns about a body on the others).
	Body bool
	// Write is true when the method changes data on the instance: an import lists such
	// calls before they are saved.
	Write bool
}

// methods is the one list of the methods an API call may use, in the order the
// editor's pickers offer them. ERP.net's Domain API is OData 4: PATCH updates (MERGE
// is OData 2's name for it and is refused with that hint).
var methods = []Method{
	{Name: "GET"},
	{Name: "POST", Body: true, Write: true},
	{Name: "PATCH", Body: true, Write: true},
	{Name: "PUT", Body: true, Write: true},
	{Name: "DELETE", Write: true},
	{Name: "HEAD"},
	{Name: "OPTIONS"},
}

// Methods returns the methods an API call may use, in the order pickers offer them.
func Methods() []Method { return append([]Method(nil), methods...) }

// MethodNames returns the names of Methods, in order.
func MethodNames() []string {
	out := make([]string, len(methods))
	for i, m := range methods {
		out[i] = m.Name
	}
	return out
}

// LookupMethod finds a method by its name, ignoring case and surrounding spaces.
func LookupMethod(name string) (Method, bool) {
	n := strings.ToUpper(strings.TrimSpace(name))
	for _, m := range methods {
		if m.Name == n {
			return m, true
		}
	}
	return Method{}, false
}

// methodChoice is "GET, POST, PATCH, PUT, DELETE, HEAD or OPTIONS", for messages.
func methodChoice() string {
	names := MethodNames()
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// MethodError says why name is not a method an API call may use (nil when it is).
func MethodError(name string) error {
	n := strings.TrimSpace(name)
	switch {
	case n == "":
		return fmt.Errorf("the method is empty: use %s", methodChoice())
	case strings.EqualFold(n, "MERGE"):
		return errors.New(`"MERGE" is OData 2's update method; ERP.net's Domain API (OData 4) updates with PATCH: use PATCH`)
	}
	if _, ok := LookupMethod(n); !ok {
		return fmt.Errorf("%q is not an HTTP method an API call can use: use %s", name, methodChoice())
	}
	return nil
}

// CallSyntax is how the command line writes one API call. The example is in single
// quotes, which both a POSIX shell and PowerShell read literally: in double quotes
// both would expand $top (to nothing).
const CallSyntax = `"METHOD /path [BODY]", e.g. 'GET /api/domain/odata/Crm_Sales_Customers?$top=5'`

// ParseCall reads an API call written as "METHOD /path [BODY]" (the CLI's --call):
// the method, one space, the path or URL, and optionally a space and the request body.
// The method is upper-cased; the path is checked as validation checks it.
func ParseCall(s string) (APICall, error) {
	parts := strings.SplitN(strings.TrimSpace(s), " ", 3)
	if len(parts) < 2 || strings.TrimSpace(parts[1]) == "" {
		return APICall{}, fmt.Errorf("write the method and the path: %s", CallSyntax)
	}
	if err := MethodError(parts[0]); err != nil {
		return APICall{}, err
	}
	c := APICall{Method: strings.ToUpper(parts[0]), Path: parts[1]}
	if err := CallPathError(c.Path); err != nil {
		return APICall{}, err
	}
	if len(parts) == 3 {
		c.Body = parts[2]
	}
	return c, nil
}

// ParseTimeout reads a per-call timeout as the command line takes it: a duration
// ("30s", "2m", "1500ms") or whole seconds ("30"). 0 means the default
// (DefaultTimeout). It is at most MaxTimeoutSeconds.
func ParseTimeout(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	d, err := time.ParseDuration(s)
	if err != nil {
		n, nerr := strconv.Atoi(s)
		if nerr != nil {
			return 0, errors.New("write a duration such as 30s or 2m (or whole seconds)")
		}
		if n > MaxTimeoutSeconds || n < -MaxTimeoutSeconds {
			return 0, fmt.Errorf("use at most %ds", MaxTimeoutSeconds)
		}
		d = time.Duration(n) * time.Second
	}
	switch {
	case d < 0:
		return 0, fmt.Errorf("is negative: use a duration between 1s and %ds, or 0 for the default of %s", MaxTimeoutSeconds, DefaultTimeout)
	case d > MaxTimeoutSeconds*time.Second:
		return 0, fmt.Errorf("use at most %ds", MaxTimeoutSeconds)
	}
	return d, nil
}
