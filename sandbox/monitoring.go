package sandbox

import (
	"fmt"
	"sort"
	"time"
)

// The system monitoring views, as ErpNetDocs/model describes them
// (model:entities/Systems.Monitoring.CurrentSessions.md, Systems.Monitoring.Licenses.md):
// who holds the instance's sessions, and the licences in use. Both are read-only here
// (the model says "API access: ReadWrite" for these dynamic views; what a write does
// the docs do not say, so the sandbox refuses it as a read-only entity).
//
// CurrentSessions lists the live API sessions (a token's System User, no device: a
// service session, whose AbsoluteExpirationTime is set "if the session is created by
// a service application") and, with the built-in scenarios, the sessions of other
// people that fill the instance in the licence-exhausted scenario. GUESSES: the
// docs do not say what Device and Applications hold for a service session (empty, and
// the client_id), nor the licence codes and scale types of the Licenses view (the
// sandbox's own, named as such), nor whether reading these views needs a licence slot
// of its own (in the sandbox, as every API call, it does).

// otherSession is a session of someone else on the instance, shown in CurrentSessions.
type otherSession struct {
	user, device, apps string
	started, idle      time.Duration // how long ago it started and last made a request
	service            bool          // an application's session: absolute expiration set
}

// licenceOccupants hold the instance's licences in the licence-exhausted scenario:
// people at work in the web client and an integration of a partner.
var licenceOccupants = []otherSession{
	{user: "m.petrova", device: "WS-ACCOUNTING-07", apps: "WebClient", started: 3 * time.Hour, idle: 2 * time.Minute},
	{user: "g.ivanov", device: "LAPTOP-GIVANOV", apps: "WebClient", started: 95 * time.Minute, idle: 14 * time.Minute},
	{user: "d.stoyanova", device: "iPhone", apps: "WebClient", started: 40 * time.Minute, idle: 6 * time.Minute},
	{user: "svc-edi", device: "", apps: "com.partner/edi", started: 25 * time.Minute, idle: 30 * time.Second, service: true},
}

func monitoringSets() []*entitySet {
	sessions := &entitySet{
		name: "Systems_Monitoring_CurrentSessions", typeName: "Systems_Monitoring_CurrentSession", entity: "Systems.Monitoring.CurrentSessions",
		table: "Dmv_Current_Sessions", title: "Current Sessions", model: true, readOnly: true, category: "DynamicViews",
		desc: "Sessions dynamic management view.",
		props: []prop{
			{name: "Id", kind: kGUID, readOnly: true, filters: fEq},
			{name: "AbsoluteExpirationTime", kind: kDateTime, readOnly: true, filters: fRange, desc: "Absolute expiration time of the session. Not empty if the session is created by a service appllication."},
			{name: "Applications", kind: kString, readOnly: true, maxLen: 64, filters: fEq | fLike, desc: "A comma separated list of client applications that share this session."},
			{name: "CurrentRequestsCount", kind: kInt, readOnly: true, filters: fRange, desc: "The requests count in the time of the request."},
			{name: "Device", kind: kString, readOnly: true, maxLen: 64, filters: fEq | fLike, desc: "The name of the user's device."},
			{name: "DownloadMB", kind: kNumber, readOnly: true, filters: fRange, desc: "The downloaded megabytes at the time of the request."},
			{name: "LastRequestTime", kind: kDateTime, readOnly: true, filters: fRange, desc: "The last request time."},
			{name: "StartTime", kind: kDateTime, readOnly: true, filters: fRange, desc: "The login time of the session."},
			{name: "TotalRequestsCount", kind: kInt, readOnly: true, filters: fRange, desc: "The total request count at the time of the request."},
			{name: "UploadMB", kind: kNumber, readOnly: true, filters: fRange, desc: "The uploaded megabytes at the time of the request."},
			{name: "User", kind: kString, readOnly: true, maxLen: 64, filters: fEq | fLike, desc: "The login name of the session's user."},
		},
	}
	licences := &entitySet{
		name: "Systems_Monitoring_Licenses", typeName: "Systems_Monitoring_License", entity: "Systems.Monitoring.Licenses",
		table: "Dmv_Licenses", title: "Licenses", model: true, readOnly: true, category: "DynamicViews",
		desc: "The currently active licenses for the instance.",
		props: []prop{
			{name: "Id", kind: kGUID, readOnly: true, filters: fEq},
			{name: "LicenseCode", kind: kString, readOnly: true, maxLen: 64, filters: fEq | fLike | fIn, desc: "The code of the module or functionality, which is licensed."},
			{name: "LicenseCount", kind: kInt, readOnly: true, filters: fEq | fRange, desc: "The current count (as of now) of active licenses."},
			{name: "LicenseDescription", kind: kString, readOnly: true, desc: "Description of the license code."},
			{name: "LicenseScaleType", kind: kString, readOnly: true, maxLen: 64, desc: "Denotes whether the license supports counts, different from 0 and 1."},
		},
	}
	return []*entitySet{sessions, licences}
}

// monitoringRowsLocked builds the rows of a monitoring view as of now; in.mu is held.
// ok is false for any other set.
func (in *instance) monitoringRowsLocked(name string, now time.Time) ([]row, bool) {
	stamp := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	live := 0
	for _, s := range in.sessions {
		if !s.expired(now) {
			live++
		}
	}
	switch name {
	case "Systems_Monitoring_CurrentSessions":
		var rows []row
		for _, key := range sortedKeys(in.sessions) {
			s := in.sessions[key]
			if s.expired(now) {
				continue
			}
			user := ""
			if a, ok := in.apps[s.clientID]; ok && a.SystemUser != nil {
				user = a.SystemUser.Login
			}
			rows = append(rows, row{"Id": stableGUID("session:" + key), "User": user, "Device": "", "Applications": s.clientID,
				"StartTime": stamp(s.created), "LastRequestTime": stamp(s.lastUsed), "AbsoluteExpirationTime": stamp(s.created.Add(SessionAbsolute)),
				"CurrentRequestsCount": s.waiting, "TotalRequestsCount": s.total, "DownloadMB": 0, "UploadMB": 0})
		}
		for i, o := range in.others {
			r := row{"Id": stableGUID(fmt.Sprintf("other:%d", i)), "User": o.user, "Device": o.device, "Applications": o.apps,
				"StartTime": stamp(now.Add(-o.started)), "LastRequestTime": stamp(now.Add(-o.idle)), "AbsoluteExpirationTime": nil,
				"CurrentRequestsCount": 0, "TotalRequestsCount": 40 + 17*i, "DownloadMB": 0, "UploadMB": 0}
			if o.service {
				r["AbsoluteExpirationTime"] = stamp(now.Add(-o.started).Add(SessionAbsolute))
			}
			rows = append(rows, r)
		}
		return rows, true
	case "Systems_Monitoring_Licenses":
		return []row{{"Id": stableGUID("licence:sessions"), "LicenseCode": "SANDBOX.CONCURRENT_SESSIONS", "LicenseCount": live + len(in.others),
			"LicenseDescription": fmt.Sprintf("Concurrent sessions (the sandbox's own licence code; the instance has %d slots)", in.cfg.LicenseSlots),
			"LicenseScaleType":   "Count"}}, true
	}
	return nil, false
}

func sortedKeys(m map[string]*session) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
