package desk

import (
	"context"
	"strings"
	"sync"

	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

// SandboxProfile is one sandbox scenario ready to be stored as a profile.
type SandboxProfile struct {
	Profile profiles.Profile
	Secret  string
	// Description says what the scenario demonstrates; Expect what the test should show.
	Description string
	Expect      string
}

// Sandbox is the in-process sandbox (a local ERP.net imitation) of one app: started on
// first use with its Config, stopped by Stop.
type Sandbox struct {
	cfg sandbox.Config
	mu  sync.Mutex
	srv *sandbox.Server
}

// NewSandbox returns the app's sandbox; nothing runs until Start.
func NewSandbox(cfg sandbox.Config) *Sandbox { return &Sandbox{cfg: cfg} }

// Start starts the sandbox once and returns its scenarios as profiles.
func (s *Sandbox) Start(context.Context) ([]SandboxProfile, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv == nil {
		srv, err := sandbox.Start(s.cfg)
		if err != nil {
			return nil, err
		}
		s.srv = srv
	}
	return ScenarioProfiles(s.srv.Scenarios(), s.srv.CAFile()), nil
}

// Stop stops the sandbox if it runs.
func (s *Sandbox) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		_ = s.srv.Close()
		s.srv = nil
	}
}

// ScenarioProfiles turns sandbox scenarios into profiles named "Sandbox: <name>".
func ScenarioProfiles(list []sandbox.Scenario, caFile string) []SandboxProfile {
	var out []SandboxProfile
	for _, sc := range list {
		p := profiles.Profile{
			Name:        "Sandbox: " + sc.Name,
			Environment: profiles.EnvSandbox,
			InstanceURL: sc.Instance,
			ClientID:    sc.ClientID,
			AuthMethod:  profiles.AuthMethod(sc.AuthMethod),
			Scopes:      strings.Fields(sc.Scope),
			Notes:       sc.Description,
			Sandbox:     true,
		}
		if sc.Authority != "" && strings.TrimRight(sc.Authority, "/") != strings.TrimRight(sc.Instance, "/")+"/id" {
			p.Authority = sc.Authority
		}
		if p.AuthMethod == "" {
			p.AuthMethod = profiles.AuthPost
		}
		if sc.Kind != "" && sc.Kind != sandbox.KindClientCredentials {
			// A reference token or Basic: no token request, so no authority, scopes or
			// auth method; the secret is the token or the password.
			p.Kind, p.User, p.AuthMethod, p.Authority, p.Scopes = profiles.Kind(sc.Kind), sc.User, "", "", nil
		}
		p.TLS.CAFile = caFile
		for _, c := range sc.Calls {
			p.Calls = append(p.Calls, profiles.APICall{Method: c.Method, Path: c.Path, Body: c.Body})
		}
		if len(p.Calls) > 0 {
			p.Calls = append(profiles.DefaultCalls(), p.Calls...)
		}
		out = append(out, SandboxProfile{Profile: p, Secret: sc.ClientSecret, Description: sc.Description, Expect: sc.Expect})
	}
	return out
}

// SandboxSetup is what starting the sandbox did.
type SandboxSetup struct {
	// Err is why the sandbox did not start; nothing else happened then.
	Err error
	// Failed is the first scenario profile that could not be stored (the others were).
	Failed error
}

// CanStartSandbox reports whether this app has a sandbox to start.
func (d *Desk) CanStartSandbox() bool { return d.deps.Sandbox != nil }

// sandboxGone reports whether p is a sandbox profile from an earlier session, whose
// sandbox is gone: running it starts the sandbox first.
func (d *Desk) sandboxGone(p profiles.Profile) bool {
	return p.Sandbox && !d.SandboxRunning() && d.deps.Sandbox != nil
}

// SandboxRunning reports whether this session started the sandbox.
func (d *Desk) SandboxRunning() bool { return len(d.sandbox) > 0 }

// Scenario is the sandbox scenario behind the profile called name, when this session
// started the sandbox.
func (d *Desk) Scenario(name string) (SandboxProfile, bool) {
	sb, ok := d.sandbox[name]
	return sb, ok
}

// SandboxProfiles are the names of the listed profiles made for the sandbox.
func (d *Desk) SandboxProfiles() []string {
	var names []string
	for _, p := range d.profiles {
		if p.Sandbox {
			names = append(names, p.Name)
		}
	}
	return names
}

// TrySandbox starts the in-process sandbox and stores (or refreshes) its scenario
// profiles with their secrets, then selects the first one. The view hears of it
// through SandboxReady and ProfilesRead.
func (d *Desk) TrySandbox() { d.startSandbox("", nil) }

// startSandbox starts the sandbox and stores its profiles (their address changes with
// every start) on a goroutine, then reads the list, selects selectName (or the first
// scenario) and calls then with the setup's error on the UI goroutine.
func (d *Desk) startSandbox(selectName string, then func(error)) {
	start := d.deps.Sandbox
	if start == nil {
		return
	}
	op := d.startOp("")
	now := d.deps.Now()
	d.background(func() {
		list, err := start(op.ctx)
		if err != nil {
			d.sandboxReady(op, nil, nil, SandboxSetup{Err: err}, selectName, then)
			return
		}
		with := make([]profiles.WithSecret, len(list))
		for i, sb := range list {
			p := sb.Profile
			p.Sandbox = true
			if p.Environment == "" {
				p.Environment = profiles.EnvSandbox
			}
			with[i] = profiles.WithSecret{Profile: p, Secret: sb.Secret}
			list[i].Secret = "" // the keychain holds it now; the session needs only the text
		}
		res := profiles.SetUpProfiles(d.deps.Store.Profiles(), d.deps.Secrets, with, now)
		saved := map[string]SandboxProfile{}
		for _, p := range res.Saved {
			for _, sb := range list {
				if profiles.SameName(sb.Profile.Name, p.Name) {
					sb.Profile = p
					saved[p.Name] = sb
				}
			}
		}
		if selectName == "" && len(list) > 0 {
			selectName = list[0].Profile.Name
		}
		all, lerr := d.deps.Store.List()
		if lerr != nil {
			all = nil
		}
		d.sandboxReady(op, saved, all, SandboxSetup{Failed: res.Err()}, selectName, then)
	})
}

// sandboxReady takes the sandbox's setup back to the UI goroutine: the scenarios, the
// list as it is now (nil when it could not be read) and the selection.
func (d *Desk) sandboxReady(op *Op, saved map[string]SandboxProfile, list []profiles.Profile, setup SandboxSetup, selectName string, then func(error)) {
	finish(op, func(SandboxSetup) {
		for name, sb := range saved {
			d.sandbox[name] = sb
		}
		if setup.Err == nil {
			if list != nil {
				d.setProfiles(list, selectName)
			} else {
				d.Reload(selectName, nil)
			}
		}
		d.view.SandboxReady(setup)
		if then != nil {
			err := setup.Err
			if err == nil {
				err = setup.Failed
			}
			then(err)
		}
	}, setup)
}
