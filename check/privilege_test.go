package check

import (
	"context"
	"strings"
	"testing"
	"time"

	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

func adviceCodes(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

func adviceFor(fs []Finding, code string) *Finding {
	for i := range fs {
		if fs[i].Code == code {
			return &fs[i]
		}
	}
	return nil
}

// The advice, from real runs against the sandbox and the records they read.
func TestLeastPrivilegeFromSandbox(t *testing.T) {
	admin := sandbox.User{Login: "admin", Type: "InternalUser", ID: "0b6f7c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e", Active: true, IsAdmin: true}
	s, err := sandbox.Start(sandbox.Config{Apps: []sandbox.TrustedApp{{
		Name: "Too much", ApplicationURI: "com.acme/too-much", ClientType: "Confidential",
		ApplicationSecretHash: sandbox.HashSecret("too-much-secret"), SystemUserAllowed: true, SystemUser: &admin,
		Scope: "read update sec", IsEnabled: true, ReferenceTokens: "AuthenticatedUsers",
	}}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Now()
	runFor := func(p profiles.Profile, secret string) (Report, *TrustedAppRecord) {
		t.Helper()
		rep := Run(context.Background(), p, secret, fresh(), nil)
		if rep.Access == nil {
			t.Fatalf("%s: no token: %v", p.Name, codes(rep, ""))
		}
		res := ReadRecord(context.Background(), p, rep.Access, p.ClientID, fresh())
		if res.Record == nil {
			t.Fatalf("%s: record not read: %s", p.Name, res.Problem)
		}
		return rep, res.Record
	}

	// healthy: asks for and gets read update, but every default call only reads.
	sc, _ := s.Scenario("healthy")
	hp := profileFor(s, sc)
	hp.SecretSetAt = now.Add(-10 * 24 * time.Hour)
	rep, rec := runFor(hp, sc.ClientSecret)
	adv := LeastPrivilege(PrivilegeInputFor(hp, rep, rec))
	if got := adviceCodes(adv); len(got) != 1 || got[0] != PrivUpdateUnused {
		t.Fatalf("healthy advice %v", got)
	}
	if f := adv[0]; f.Severity != SevInfo || f.Evidence[EvSource] != "token" || f.Evidence[EvCalls] != "3" || !strings.Contains(f.Message, "request read only") {
		t.Errorf("update advice %+v", f)
	}
	if rep.Verdict != Pass {
		t.Errorf("advice must never change the verdict: %s", rep.Verdict)
	}
	// The same app asking for read only: the record's Scope still allows update.
	hp.Scopes = []string{"read"}
	rep, rec = runFor(hp, sc.ClientSecret)
	if f := adviceFor(LeastPrivilege(PrivilegeInputFor(hp, rep, rec)), PrivUpdateUnused); f == nil || f.Evidence[EvSource] != "record" {
		t.Errorf("Scope field allowing update: %+v", f)
	}
	// Without the record, nothing says update is allowed.
	if f := adviceFor(LeastPrivilege(PrivilegeInputFor(hp, rep, nil)), PrivUpdateUnused); f != nil {
		t.Errorf("advice without a fact behind it: %+v", f)
	}

	// read-only-write PATCHes: update is not "unused" (and is not granted anyway).
	sc, _ = s.Scenario("read-only-write")
	p := profileFor(s, sc)
	rep, rec = runFor(p, sc.ClientSecret)
	if adv := LeastPrivilege(PrivilegeInputFor(p, rep, rec)); len(adv) != 0 {
		t.Errorf("read-only-write advice %v", adviceCodes(adv))
	}

	// reference-tokens: an InternalUser System User, reference tokens on.
	sc, _ = s.Scenario("reference-tokens")
	p = profileFor(s, sc)
	rep, rec = runFor(p, sc.ClientSecret)
	adv = LeastPrivilege(PrivilegeInputFor(p, rep, rec))
	if f := adviceFor(adv, PrivInteractiveUser); f == nil || f.Evidence[EvSystemUser] != "svc-reports" || f.Evidence[EvUserType] != "InternalUser" {
		t.Errorf("interactive user advice %+v (all %v)", f, adviceCodes(adv))
	}
	if f := adviceFor(adv, PrivReferenceTokens); f == nil || f.Evidence[EvActual] != "AdministratorsOnly" {
		t.Errorf("reference tokens advice %+v", f)
	}
	// From the token alone the user type is known too.
	if f := adviceFor(LeastPrivilege(PrivilegeInputFor(p, rep, nil)), PrivInteractiveUser); f == nil || f.Evidence[EvSource] != "token" {
		t.Errorf("interactive user from the token: %+v", f)
	}

	// An administrator with sec: everything at once, the secret set 200 days ago.
	p = profiles.Profile{Name: "too-much", InstanceURL: sc.Instance, ClientID: "com.acme/too-much", Scopes: []string{"read", "update", "sec"},
		TimeoutSeconds: 10, SecretSetAt: now.Add(-200 * 24 * time.Hour)}
	rep, rec = runFor(p, "too-much-secret")
	if rec.SystemUserAdmin == nil || !*rec.SystemUserAdmin || rec.SystemUserType != "InternalUser" {
		t.Fatalf("the record did not carry the System User's IsAdmin/UserType: %+v", rec)
	}
	adv = LeastPrivilege(PrivilegeInputFor(p, rep, rec))
	want := []string{PrivUpdateUnused, PrivSecScope, PrivInteractiveUser, PrivAdminUser, PrivReferenceTokens, PrivSecretOld}
	if got := adviceCodes(adv); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("advice %v, want %v", got, want)
	}
	if f := adviceFor(adv, PrivSecretOld); f.Evidence[EvAgeDays] != "200" || f.Evidence[EvSource] != "profile" || f.Evidence[EvRotationDays] != "180" {
		t.Errorf("secret age advice %+v", f)
	}
	for _, f := range adv {
		if f.Severity != SevInfo || f.Message == "" {
			t.Errorf("advice %s: severity %s message %q", f.Code, f.Severity, f.Message)
		}
	}
}

func TestLeastPrivilegeSecretAgeAndBasicAuth(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	on := true
	rec := &TrustedAppRecord{BasicAuthAllowed: &on, LastUpdate: now.AddDate(0, 0, -400)}
	p := profiles.Profile{SecretSetAt: now.AddDate(0, 0, -20)}
	adv := LeastPrivilege(PrivilegeInput{Profile: p, Record: rec, Now: now})
	if f := adviceFor(adv, PrivBasicAuth); f == nil {
		t.Errorf("basic auth advice missing: %v", adviceCodes(adv))
	}
	// The record has not changed for 400 days: the hash, and so the secret, is at least
	// that old, whatever this computer's keychain entry says.
	f := adviceFor(adv, PrivSecretOld)
	if f == nil || f.Evidence[EvAgeDays] != "400" || f.Evidence[EvSource] != "record" || !strings.Contains(f.Message, "has not changed since 2025-10-27") {
		t.Errorf("secret age from the record: %+v", f)
	}
	// Exactly the rotation age is not older than it.
	p.SecretSetAt = now.Add(-profiles.SecretRotationAge)
	if f := adviceFor(LeastPrivilege(PrivilegeInput{Profile: p, Now: now}), PrivSecretOld); f != nil {
		t.Errorf("a secret of exactly the rotation age: %+v", f)
	}
	p.SecretSetAt = now.Add(-profiles.SecretRotationAge - 24*time.Hour)
	if f := adviceFor(LeastPrivilege(PrivilegeInput{Profile: p, Now: now}), PrivSecretOld); f == nil || f.Evidence[EvAgeDays] != "181" {
		t.Errorf("a day past the rotation age: %+v", f)
	}
	// Nothing known, nothing said.
	if adv := LeastPrivilege(PrivilegeInput{Now: now}); len(adv) != 0 {
		t.Errorf("advice from no facts: %v", adviceCodes(adv))
	}
}
