package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Systems_Security_TrustedApplications is ReadWrite in the model ("API access:
// ReadWrite"), so the sandbox's Domain API reads and changes the same Trusted App
// records its identity server uses: a PATCH of IsEnabled, Scope or
// ApplicationSecretHash changes what the next token request gets. Whether a System
// User may do this on a real instance depends on its permissions; the sandbox asks
// only for the update scope. The SystemUser reference cannot be set through the API
// here (it is set in the --config file).

// appRow is a Trusted App record as the Domain API serves it.
func appRow(id string, a *TrustedApp) row {
	var user any
	if u := a.SystemUser; u != nil {
		user = row{"Id": u.ID, "Login": u.Login, "UserType": u.Type, "Active": u.Active, "IsAdmin": u.IsAdmin}
	}
	orNil := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	return row{"Id": id, "Name": a.Name, "ApplicationUri": a.ApplicationURI, "ClientType": a.ClientType,
		"ApplicationSecretHash": orNil(a.ApplicationSecretHash), "SystemUserAllowed": a.SystemUserAllowed,
		"SystemUserLoginUrl": orNil(a.SystemUserLoginURL), "Scope": orNil(a.Scope), "IsEnabled": a.IsEnabled,
		"ReferenceTokens": a.ReferenceTokens, "BasicAuthenticationAllowed": a.BasicAuthenticationAllowed,
		"ImpersonateAsInternalUserAllowed": a.ImpersonateAsInternalUserAllowed, "ImpersonateAsCommunityUserAllowed": a.ImpersonateAsCommunityUserAllowed,
		"ImpersonateLoginUrl": orNil(a.ImpersonateLoginURL), "ImpersonateLogoutUrl": orNil(a.ImpersonateLogoutURL),
		"Notes": orNil(a.Notes), "CreationTimeUtc": a.CreationTimeUTC.UTC().Format(time.RFC3339), "SystemUser": user}
}

// setAppField applies one checked attribute value (see checkValues) to a record.
func setAppField(a *TrustedApp, name string, v any) {
	s, _ := v.(string)
	b, _ := v.(bool)
	switch name {
	case "Name":
		a.Name = s
	case "ApplicationUri":
		a.ApplicationURI = s
	case "ClientType":
		a.ClientType = s
	case "ApplicationSecretHash":
		a.ApplicationSecretHash = s
	case "SystemUserAllowed":
		a.SystemUserAllowed = b
	case "SystemUserLoginUrl":
		a.SystemUserLoginURL = s
	case "Scope":
		a.Scope = s
	case "IsEnabled":
		a.IsEnabled = b
	case "ReferenceTokens":
		a.ReferenceTokens = s
	case "BasicAuthenticationAllowed":
		a.BasicAuthenticationAllowed = b
	case "ImpersonateAsInternalUserAllowed":
		a.ImpersonateAsInternalUserAllowed = b
	case "ImpersonateAsCommunityUserAllowed":
		a.ImpersonateAsCommunityUserAllowed = b
	case "ImpersonateLoginUrl":
		a.ImpersonateLoginURL = s
	case "ImpersonateLogoutUrl":
		a.ImpersonateLogoutURL = s
	case "Notes":
		a.Notes = s
	}
}

// appIDLocked finds the ApplicationUri of the record with Id key; in.mu is held.
func (in *instance) appIDLocked(key string) (string, bool) {
	for uri, id := range in.appIDs {
		if strings.EqualFold(id, key) {
			return uri, true
		}
	}
	return "", false
}

// modifyApp answers PATCH, PUT and DELETE of Systems_Security_TrustedApplications(key).
func (in *instance) modifyApp(w http.ResponseWriter, r *http.Request, set *entitySet, key string, body map[string]any) {
	in.mu.Lock()
	uri, ok := in.appIDLocked(key)
	if !ok {
		in.mu.Unlock()
		odataError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("No %s entity with Id %s", set.name, key), "")
		return
	}
	id := in.appIDs[uri]
	if r.Method == http.MethodDelete {
		delete(in.apps, uri)
		delete(in.appIDs, uri)
		in.appOrder = slices.DeleteFunc(in.appOrder, func(u string) bool { return u == uri })
		in.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	a := *in.apps[uri]
	for k, v := range body {
		if !strings.HasPrefix(k, "@odata.") {
			setAppField(&a, k, v)
		}
	}
	a, err := validateApp(a)
	if err == nil && a.ApplicationURI != uri {
		if _, taken := in.apps[a.ApplicationURI]; taken {
			err = fmt.Errorf("ApplicationUri %q is taken by another Trusted App: it must be unique", a.ApplicationURI)
		}
	}
	if err != nil {
		in.mu.Unlock()
		businessError(w, r, "2030", strings.TrimPrefix(err.Error(), "sandbox: "))
		return
	}
	if a.ApplicationURI != uri {
		delete(in.apps, uri)
		delete(in.appIDs, uri)
		for i, u := range in.appOrder {
			if u == uri {
				in.appOrder[i] = a.ApplicationURI
			}
		}
		in.appIDs[a.ApplicationURI] = id
	}
	in.apps[a.ApplicationURI] = &a
	in.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// createApp answers POST Systems_Security_TrustedApplications: the model's defaults
// (ClientType Confidential, IsEnabled true, ReferenceTokens None, ...) fill what the
// body leaves out.
func (in *instance) createApp(w http.ResponseWriter, r *http.Request, set *entitySet, body map[string]any) {
	var a TrustedApp
	for _, p := range set.props {
		if v, ok := body[p.name]; ok && v != nil {
			setAppField(&a, p.name, v)
		} else if p.def != nil {
			setAppField(&a, p.name, p.def)
		}
	}
	a, err := validateApp(a)
	if err != nil {
		businessError(w, r, "2030", strings.TrimPrefix(err.Error(), "sandbox: "))
		return
	}
	id, _ := body["Id"].(string)
	if id == "" {
		id = stableGUID(fmt.Sprintf("app:%s:%d", a.ApplicationURI, in.now().UnixNano()))
	}
	in.mu.Lock()
	if _, taken := in.apps[a.ApplicationURI]; taken {
		in.mu.Unlock()
		businessError(w, r, "2030", fmt.Sprintf("ApplicationUri %q is taken by another Trusted App: it must be unique", a.ApplicationURI))
		return
	}
	if _, taken := in.appIDLocked(id); taken {
		in.mu.Unlock()
		businessError(w, r, "2030", fmt.Sprintf("An entity '%s' with Id %s already exists.", set.entity, id))
		return
	}
	a.CreationTimeUTC = in.now().UTC().Truncate(time.Second)
	in.apps[a.ApplicationURI] = &a
	in.appOrder = append(in.appOrder, a.ApplicationURI)
	in.appIDs[a.ApplicationURI] = id
	rw := appRow(id, &a)
	in.mu.Unlock()
	writeCreated(w, in.odataRoot(), set, rw)
}
