package check

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"trustedapp-tester/profiles"
)

// Who holds the licences: when an instance answers MaximumLicenseCountExceeded, the
// next question is who holds the slots. ErpNetDocs/model has two views for it:
// Systems_Monitoring_CurrentSessions (User, Device, Applications, StartTime,
// LastRequestTime, AbsoluteExpirationTime; since 23.1.1.52, named
// Systems.Dmv.CurrentSessions until 24.1.5.35) and Systems_Monitoring_Licenses
// (LicenseCode, LicenseCount, LicenseDescription, LicenseScaleType; since 24.1.3.66).
//
// The cost: every API request runs in a session (dev:auth/sessions/overview.md), so
// reading them needs a licence slot too, which the full instance refuses. ERP.net's
// docs do not say whether these views are exempt. A run reads them once, with its own
// token, only after a call was refused for want of a slot: the read is refused the
// same way (no session opened, nothing spent), or a slot freed meanwhile and the read
// opens the one session the run meant to open anyway (counted in its session cost).
// A token that already holds an open session, or whose System User has a reserved
// seat (license-slot.md), reads them without waiting for a slot: ReadHolders, with
// another profile's token.

// LicenceHolder is one live session of the instance, as CurrentSessions lists it.
type LicenceHolder struct {
	Login        string `json:"login"`
	Device       string `json:"device"`
	Applications string `json:"applications,omitempty"`
	// Started is StartTime, LastRequest LastRequestTime.
	Started     time.Time `json:"started,omitzero"`
	LastRequest time.Time `json:"last_request,omitzero"`
	// Expiry is AbsoluteExpirationTime: set for a service application's session (an
	// hour after it opened), zero for an interactive one.
	Expiry time.Time `json:"expiry,omitzero"`
	// FreesBy is when its slot frees if no request comes: 20 minutes after the last
	// request, or at Expiry when that is sooner (dev:auth/sessions/overview.md).
	FreesBy time.Time `json:"frees_by,omitzero"`
}

// LicenceCount is one row of Systems_Monitoring_Licenses.
type LicenceCount struct {
	Code        string `json:"code"`
	Count       int    `json:"count"`
	Description string `json:"description,omitempty"`
	ScaleType   string `json:"scale_type,omitempty"`
}

// Holders states (Holders.State, SessionCost.HoldersState).
const (
	HoldersRead    = "read"    // the sessions were read
	HoldersRefused = "refused" // the instance would not show them (no slot, 403, 401)
	HoldersFailed  = "failed"  // no usable answer (network, not found, not a list)
)

// Holders is who holds the instance's sessions, or why that could not be read.
type Holders struct {
	State string
	// Note says in a sentence or two what was read, or why not and what to do.
	Note     string
	Sessions []LicenceHolder
	Licences []LicenceCount
	// Steps are the API calls made (their exchanges and findings).
	Steps []Step
	// OpenedAt is when the read's answer came, when it ran in a session (a 200).
	OpenedAt time.Time
}

// holdersTop is how many sessions a read asks for.
const holdersTop = 100

var (
	holdersSets = [][2]string{{"Systems_Monitoring_CurrentSessions", "Systems_Monitoring_Licenses"}, {"Systems_Dmv_CurrentSessions", "Systems_Dmv_Licenses"}}
	holdersSel  = "$select=User,Device,Applications,StartTime,LastRequestTime,AbsoluteExpirationTime&$top=" + fmt.Sprint(holdersTop)
)

// ReadHolders reads who holds the instance's sessions with tok, a token of p's
// instance (p's own, or another profile's), as a custom call does.
func ReadHolders(ctx context.Context, p profiles.Profile, tok *AccessToken, opts Options) Holders {
	return readHolders(func(path string) Step {
		return Call(ctx, p, tok, profiles.APICall{Name: "Who holds the licences", Method: "GET", Path: p.ODataRootURL() + path}, opts)
	}, time.Now)
}

// readHolders reads the views with call (a path under the OData root to a step). The
// pre-24.1.5.35 names are tried when the current ones are not found.
func readHolders(call func(path string) Step, now func() time.Time) Holders {
	var h Holders
	var st Step
	var status int
	var body string
	var sets [2]string
	for _, sets = range holdersSets {
		st = call(sets[0] + "?" + holdersSel)
		h.Steps = append(h.Steps, st)
		status, body = lastAnswer(st)
		if status != 404 {
			break
		}
	}
	switch {
	case stepHasAny(st, map[string]bool{APILicenseExhausted: true}):
		h.State = HoldersRefused
		h.Note = "The instance would not show who holds them either: reading Systems_Monitoring_CurrentSessions needs a session too, and no licence slot is free for this token (MaximumLicenseCountExceeded). " +
			"A token whose session is still open, or whose System User has a reserved licence seat (license-slot.md: reserved seats “guarantee that specific users can always connect”), can read them; so can Instance Manager (api-best-practices.md: “Monitor session counts and license usage in the Instance Manager”). " +
			"ERP.net's docs do not say whether the monitoring views can be read without a slot."
		return h
	case status == 401:
		h.State, h.Note = HoldersRefused, "The instance refused the token when asked who holds the licences (HTTP 401): get a fresh token and read them again."
		return h
	case status == 403:
		h.State = HoldersRefused
		h.Note = "The System User behind this token may not read Systems_Monitoring_CurrentSessions (HTTP 403): read them with a profile whose System User may, or in Instance Manager."
		return h
	case status == 404:
		h.State = HoldersFailed
		h.Note = "This instance has no Systems_Monitoring_CurrentSessions (nor its name before version 24.1.5.35, Systems_Dmv_CurrentSessions): the view came in version 23.1.1.52. Instance Manager shows the sessions."
		return h
	case status != 200:
		h.State = HoldersFailed
		h.Note = "Who holds the licences could not be read: " + st.Summary
		if len(st.Findings) > 0 {
			h.Note = "Who holds the licences could not be read: " + st.Findings[0].Message
		}
		return h
	}
	sessions, more, err := parseHolders(body, now())
	if err != nil {
		h.State, h.Note = HoldersFailed, fmt.Sprintf("The instance answered, but not with a list of sessions (%v).", err)
		return h
	}
	h.State, h.Sessions, h.OpenedAt = HoldersRead, sessions, now()
	lst := call(sets[1])
	h.Steps = append(h.Steps, lst)
	if ls, lb := lastAnswer(lst); ls == 200 {
		h.Licences = parseLicences(lb)
	}
	h.Note = holdersNote(h, more)
	return h
}

// holdersNote says what was read.
func holdersNote(h Holders, more bool) string {
	var b strings.Builder
	switch n := len(h.Sessions); n {
	case 0:
		b.WriteString("Systems_Monitoring_CurrentSessions lists no session.")
	case 1:
		b.WriteString("1 session holds a licence slot.")
	default:
		fmt.Fprintf(&b, "%d sessions hold licence slots", n)
		if more {
			fmt.Fprintf(&b, " (the first %d listed)", holdersTop)
		}
		b.WriteString(".")
	}
	if len(h.Sessions) > 0 && !h.Sessions[0].FreesBy.IsZero() {
		fmt.Fprintf(&b, " The first frees its slot by %s if it stays idle (20 minutes after its last request, or its session's end).", clock(h.Sessions[0].FreesBy))
	}
	b.WriteString(" Sessions of one user on one device may share a licence, so sessions and licences in use can differ.")
	return b.String()
}

// parseHolders reads the sessions of an OData list, soonest to free first; more is
// true when the list goes on.
func parseHolders(body string, now time.Time) ([]LicenceHolder, bool, error) {
	var page struct {
		Value    []map[string]any `json:"value"`
		NextLink string           `json:"@odata.nextLink"`
	}
	if err := json.Unmarshal([]byte(body), &page); err != nil {
		return nil, false, err
	}
	if page.Value == nil {
		return nil, false, fmt.Errorf("no \"value\" list")
	}
	out := make([]LicenceHolder, 0, len(page.Value))
	for _, v := range page.Value {
		h := LicenceHolder{}
		h.Login, _ = v["User"].(string)
		h.Device, _ = v["Device"].(string)
		h.Applications, _ = v["Applications"].(string)
		h.Started, _ = odataTime(v["StartTime"])
		h.LastRequest, _ = odataTime(v["LastRequestTime"])
		h.Expiry, _ = odataTime(v["AbsoluteExpirationTime"])
		if !h.LastRequest.IsZero() {
			h.FreesBy = h.LastRequest.Add(SessionIdle)
			if !h.Expiry.IsZero() && h.Expiry.Before(h.FreesBy) {
				h.FreesBy = h.Expiry
			}
		}
		out = append(out, h)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].FreesBy, out[j].FreesBy
		if a.IsZero() != b.IsZero() {
			return !a.IsZero()
		}
		return a.Before(b)
	})
	return out, page.NextLink != "", nil
}

// parseLicences reads Systems_Monitoring_Licenses' rows (nil when it is no list).
func parseLicences(body string) []LicenceCount {
	var page struct {
		Value []map[string]any `json:"value"`
	}
	if json.Unmarshal([]byte(body), &page) != nil {
		return nil
	}
	var out []LicenceCount
	for _, v := range page.Value {
		l := LicenceCount{}
		l.Code, _ = v["LicenseCode"].(string)
		if n, ok := v["LicenseCount"].(float64); ok {
			l.Count = int(n)
		}
		l.Description, _ = v["LicenseDescription"].(string)
		l.ScaleType, _ = v["LicenseScaleType"].(string)
		out = append(out, l)
	}
	return out
}

// readHoldersInRun reads the holders with the run's token after a call was refused for
// want of a slot, once per run; the read's exchanges join the refused step's.
func (r *run) readHoldersInRun(st *Step) {
	if r.holders != nil || !stepHasAny(*st, map[string]bool{APILicenseExhausted: true}) || r.cancelled() {
		return
	}
	h := readHolders(func(path string) Step {
		return r.apiCall(profiles.APICall{Method: "GET", Path: r.odataRootOrDefault() + path}, r.access, r.grantedScope)
	}, r.now)
	for _, s := range h.Steps {
		st.Exchanges = append(st.Exchanges, s.Exchanges...)
	}
	h.Steps = nil
	r.holders = &h
}

func (r *run) odataRootOrDefault() string {
	if r.odataRoot != "" {
		return r.odataRoot
	}
	return r.p.ODataRootURL()
}

// SetHolders puts what a read of the holders found into the session cost (the
// report's session.holders).
func (sc *SessionCost) SetHolders(h Holders) {
	sc.Holders, sc.Licences, sc.HoldersState, sc.HoldersNote = h.Sessions, h.Licences, h.State, h.Note
}
