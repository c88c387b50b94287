package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/profiles"
)

// The editor's kind picker: how the profile signs in (client credentials, a reference
// token, legacy Basic). Each kind shows the fields it uses: client credentials its
// client secret, authentication and scopes; a reference token the enrt_ token; Basic
// the user and password. One form holds the items of the kind chosen.

// kindFields are the editor's widgets and form items that depend on the kind.
type kindFields struct {
	picker  *escSelect
	user    *dialogEntry
	usesRef *escCheck // client credentials: the app issues reference tokens on purpose
	form    *widget.Form
	items   map[profiles.Kind][]*widget.FormItem
}

// kindLabels are the picker's options, in profiles.Kinds order.
func kindLabels() []string {
	var out []string
	for _, k := range profiles.Kinds() {
		out = append(out, kindLabelOf(k))
	}
	return out
}

// kindOfLabel is the kind a picker label names.
func kindOfLabel(label string) profiles.Kind {
	for _, k := range profiles.Kinds() {
		if kindLabelOf(k) == label {
			return k
		}
	}
	return profiles.KindClientCredentials
}

// newKindFields builds the kind picker and the form of each kind around the editor's
// shared widgets (name, instance, secret, calls...).
func (e *editor) newKindFields(secretBox fyne.CanvasObject) {
	k := &e.kind
	// The app's select, field and check box hand Esc to the window (it closes the
	// editor, as from every other field) and say what they are to a screen reader.
	k.picker = newEscSelect(func(string) { e.applyKind() }, nil)
	k.picker.Options = kindLabels()
	k.picker.name = lang.X("app.kind.signs_in_with", "Signs in with")
	k.user = newDialogEntry(nil)
	k.user.SetPlaceHolder(lang.X("app.kind.user_hint", "the ERP.net login, e.g. bi-reader"))
	k.user.name = lang.X("app.kind.user", "User")
	k.usesRef = newEscCheck(lang.X("app.kind.uses_ref", "This Trusted App also issues reference tokens (PATs or SATs) on purpose"), nil)
	name := &widget.FormItem{Text: lang.X("app.kind.name", "Name"), Widget: e.name, HintText: lang.X("app.kind.name_hint", "unique; shown in the list")}
	env := &widget.FormItem{Text: lang.X("app.kind.env", "Environment"), Widget: e.env, HintText: lang.X("app.kind.env_hint", "a colour tag so production stands out")}
	kind := &widget.FormItem{Text: lang.X("app.kind.signs_in_with", "Signs in with"), Widget: k.picker, HintText: lang.X("app.kind.picker_hint", "a Trusted App's client credentials, a reference token, or legacy Basic")}
	inst := &widget.FormItem{Text: lang.X("app.kind.instance", "Instance"), Widget: e.instance, HintText: lang.X("app.kind.instance_hint", "the instance root; the authority is {instance}/id")}
	calls := &widget.FormItem{Text: lang.X("app.tab.calls", "API calls"), Widget: e.calls.content, HintText: lang.X("app.kind.calls_hint", "run in this order after sign-in; paths are from the instance root")}
	// The secret's box is in each kind's form, with a hint under it in one and not in
	// the others. Fyne's form places an item without a hint itself, but never moves the
	// widget of an item with one (it expects a new widget at 0,0), so the box kept its
	// place from the other kind's form: after switching from client credentials to a
	// reference token the token's field sat off to the right, past the window's edge.
	// Each kind holds the box in a stack of its own, which puts it at 0,0.
	secret := func() fyne.CanvasObject { return container.NewStack(secretBox) }
	k.items = map[profiles.Kind][]*widget.FormItem{
		profiles.KindClientCredentials: {name, env, kind, inst,
			{Text: "Client ID", Widget: e.clientID, HintText: lang.X("app.kind.client_id_hint", "the Trusted App’s Application URI (the OAuth client_id)")},
			{Text: lang.X("app.kind.client_secret", "Client secret"), Widget: secret()},
			{Text: lang.X("app.kind.auth", "Authentication"), Widget: e.auth, HintText: lang.X("app.kind.auth_hint", "how client_id and secret reach the token endpoint; never guessed")},
			{Text: lang.X("app.kind.scopes", "Scopes"), Widget: e.scopes.content, HintText: lang.X("app.kind.scopes_hint", "none chosen sends no scope: the token gets all of the Trusted App's Scope field")},
			{Text: lang.X("app.kind.ref_tokens", "Reference tokens"), Widget: k.usesRef, HintText: lang.X("app.kind.ref_tokens_hint", "then the record checklist checks ReferenceTokens for that use")},
			calls},
		profiles.KindReferenceToken: {name, env, kind, inst,
			{Text: lang.X("app.kind.ref_token", "Reference token"), Widget: secret(), HintText: lang.X("app.kind.ref_token_hint", "enrt_… as ERP.net showed it once: a PAT from the Profile site (Security > Tokens), a SAT from Instance Manager")},
			{Text: lang.X("app.kind.trusted_app", "Trusted App"), Widget: e.clientID, HintText: lang.X("app.kind.trusted_app_hint", "optional: the Application URI the token was made for, to read its record and its tokens")},
			calls},
		profiles.KindBasic: {name, env, kind, inst,
			{Text: lang.X("app.kind.user", "User"), Widget: k.user, HintText: lang.X("app.kind.user_form_hint", "legacy Basic authentication: the login the integration signs in with")},
			{Text: lang.X("app.kind.password", "Password"), Widget: secret()},
			{Text: lang.X("app.kind.basic_app", "Basic app"), Widget: e.clientID, HintText: lang.X("app.kind.basic_app_hint", "empty: DomainApiBasicAuthentication, the Trusted App Basic to the APIs needs")},
			calls},
	}
	k.form = widget.NewForm(k.items[profiles.KindClientCredentials]...)
}

// kindOf is the kind chosen.
func (e *editor) kindOf() profiles.Kind { return kindOfLabel(e.kind.picker.Selected) }

// setKind shows p's kind and its fields.
func (e *editor) setKind(p profiles.Profile) {
	e.kind.user.SetText(p.User)
	e.kind.usesRef.SetChecked(p.UsesReferenceTokens)
	e.kind.picker.SetSelected(kindLabelOf(p.KindOf())) // applyKind
	e.applyKind()
}

// applyKind shows the form items of the kind chosen and words the secret for it.
func (e *editor) applyKind() {
	k := e.kindOf()
	e.kind.form.Items = e.kind.items[k]
	e.kind.form.Refresh()
	switch k {
	case profiles.KindClientCredentials:
		e.clientID.SetPlaceHolder(lang.X("app.editor.client_id_hint", "the Trusted App's ApplicationUri, e.g. com.acme/nightly"))
		e.clientID.Validator = clientIDError
		e.calls.useDefaults(profiles.DefaultCalls())
	case profiles.KindReferenceToken:
		e.clientID.SetPlaceHolder("optional, e.g. com.acme/reports")
		e.clientID.Validator = optionalClientIDError
		e.calls.useDefaults(profiles.DefaultCalls())
	case profiles.KindBasic:
		e.clientID.SetPlaceHolder(profiles.BasicAuthApp)
		e.clientID.Validator = optionalClientIDError
		e.calls.useDefaults(profiles.DefaultBasicCalls())
	}
	e.secretPlaceholder()
	e.showHash()
	if e.orig != nil {
		e.secretSt.SetText(e.secretStatus(*e.orig))
	}
}

// secretPlaceholder words the secret entry for the kind and whether one is stored.
func (e *editor) secretPlaceholder() {
	k := e.kindOf()
	stored := e.orig != nil && e.orig.StoredKind() == k
	switch {
	case stored:
		e.secret.SetPlaceHolder(lang.X("app.kind.stored_hint", "stored; type a new one to replace it"))
	case k == profiles.KindReferenceToken:
		e.secret.SetPlaceHolder(lang.X("app.kind.ref_hint", "paste the enrt_… token"))
	case k == profiles.KindBasic:
		e.secret.SetPlaceHolder(lang.X("app.kind.password_hint", "the user's password"))
	default:
		e.secret.SetPlaceHolder(lang.X("app.kind.secret_hint", "paste the client secret shown when the Trusted App was created"))
	}
}

// kindProfile sets the kind's fields of p from the form: a reference token or Basic
// requests no token, so it keeps no scopes or auth method.
func (e *editor) kindProfile(p *profiles.Profile) {
	k := e.kindOf()
	p.Kind, p.User, p.UsesReferenceTokens = k, "", false
	switch k {
	case profiles.KindClientCredentials:
		p.Kind = "" // the default, as the file writes it
		p.UsesReferenceTokens = e.kind.usesRef.Checked
	case profiles.KindBasic:
		p.User = strings.TrimSpace(e.kind.user.Text)
		fallthrough
	default:
		p.Scopes, p.AuthMethod, p.Authority, p.TokenEndpoint = nil, "", "", ""
	}
}

// kindError is what stops saving the kind's own fields, nil when nothing does.
func (e *editor) kindError() error {
	switch e.kindOf() {
	case profiles.KindBasic:
		u := strings.TrimSpace(e.kind.user.Text)
		if u == "" {
			return errors.New(lang.X("app.kind.err_user", "enter the user: the ERP.net login Basic signs in with"))
		}
		if strings.Contains(u, ":") {
			return errors.New(lang.X("app.kind.err_colon", "the user has ':', which HTTP Basic cannot carry in a user name"))
		}
	case profiles.KindReferenceToken:
		if t := strings.TrimSpace(e.secret.Text); t != "" && !strings.HasPrefix(strings.TrimPrefix(t, "Bearer "), "enrt_") {
			return errors.New(lang.X("app.kind.err_enrt", "a reference token starts with enrt_: paste it as ERP.net showed it when it was made"))
		}
	}
	return nil
}

// optionalClientIDError checks a client_id that may be empty.
func optionalClientIDError(s string) error {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return clientIDError(s)
}

// noCredentialMessage is the title and text when a run of p found no credential stored.
func noCredentialMessage(p profiles.Profile) (string, string) {
	switch p.KindOf() {
	case profiles.KindReferenceToken:
		return lang.X("app.kind.no_ref", "No reference token stored"), lang.X("app.kind.no_ref_text", "The profile “{{.Name}}” has no reference token yet. Press Edit, paste the enrt_… token ERP.net showed when it was made, and Save.", map[string]any{"Name": p.Name})
	case profiles.KindBasic:
		return lang.X("app.kind.no_password", "No password stored"), lang.X("app.kind.no_password_text", "The profile “{{.Name}}” has no password yet. Press Edit, type the password of {{.User}}, and Save.", map[string]any{"Name": p.Name, "User": p.User})
	}
	return lang.X("app.kind.no_secret", "No client secret stored"), lang.X("app.kind.no_secret_text", "The profile “{{.Name}}” has no client secret yet. Press Edit, paste the secret the Trusted App was created with, and Save.", map[string]any{"Name": p.Name})
}

// useDefaults makes calls the list's defaults: what runs when it has no calls of its
// own, and what "Start from the defaults" adds.
func (l *callList) useDefaults(calls []profiles.APICall) {
	l.defaultCalls = calls
	var defs []string
	for _, c := range calls {
		defs = append(defs, c.Method+" "+c.Path)
	}
	l.empty.SetText(lang.X("app.calls.defaults_run", "No calls of its own: the defaults run ({{.Calls}}).", map[string]any{"Calls": strings.Join(defs, ", ")}))
}
