package ui

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/internal/sentence"
	"trustedapp-tester/profiles"
	"trustedapp-tester/ui/widgets"
)

// rotationAge is when the app starts suggesting a secret rotation.
const rotationAge = 180 * 24 * time.Hour

// editor is the profile form, shown in place of the run view.
type editor struct {
	sh       editorShell
	desk     editorDesk
	orig     *profiles.Profile // nil for a new profile
	name     *dialogEntry
	env      *escSelectEntry
	instance *dialogEntry
	clientID *dialogEntry
	secret   *dialogEntry
	secretSt *widget.Label
	// The ApplicationSecretHash of the secret typed, or of the stored one (asked of the
	// desk: the secret stays there), with a Copy button.
	hashCaption *widget.Label
	hashValue   *widget.Label
	hashCopy    *button
	hashRow     fyne.CanvasObject
	hashAsk     *button // "Show the hash of the stored secret"
	storedHash  string
	hashOp      desk.OpID
	auth        *widget.RadioGroup
	scopes      *scopePicker
	calls       *callList
	author      *dialogEntry
	tokenEP     *dialogEntry
	odata       *dialogEntry
	caFile      *dialogEntry
	insecure    *escCheck
	proxy       *dialogEntry
	confirmed   *dialogEntry // confirmed hosts, one a line (editor_hosts.go)
	timeout     *dialogEntry
	notes       *dialogEntry
	kind        kindFields // how the profile signs in (editor_kind.go)
	warn        *widget.Label
	title       *widget.Label
	save        *button
	content     fyne.CanvasObject
}

func authPostLabel() string {
	return lang.X("app.editor.auth_post", "Form body (client_secret_post, the ERP.net default)")
}
func authBasicLabel() string {
	return lang.X("app.editor.auth_basic", "HTTP Basic header (client_secret_basic)")
}

// editorShell is what the editor needs of the window.
type editorShell interface {
	notifier
	focus(fyne.Focusable)
	showScreen(fyne.CanvasObject)
	closeEditor()
	clipboard() fyne.Clipboard
	window() fyne.Window
}

// editorDesk is what the editor asks of the desk.
type editorDesk interface {
	Profiles() []profiles.Profile
	Running() bool
	Now() time.Time
	Keychain() desk.KeychainState
	SaveProfile(orig string, p profiles.Profile, secret string, done func(error)) *desk.Op
	SecretHash(name string, rec *check.TrustedAppRecord, began func(*desk.Op), done func(desk.SecretHash)) *desk.Op
	KnownSecretHash(name string) (desk.SecretHash, bool)
}

func newEditor(sh editorShell, d editorDesk) *editor {
	e := &editor{sh: sh, desk: d}
	e.name = newDialogEntry(nil)
	e.name.SetPlaceHolder("Nightly import (Production)")
	e.name.Validator = func(s string) error { return nameError(d.Profiles(), s, e.origName()) }
	e.env = newEscSelectEntry([]string{profiles.EnvProduction, profiles.EnvTest, profiles.EnvSandbox}, nil)
	e.env.SetPlaceHolder(lang.X("app.editor.env_hint", "Production, Test, Sandbox or your own label"))
	e.instance = newDialogEntry(nil)
	e.instance.SetPlaceHolder("https://acme.my.erp.net")
	e.instance.Validator = instanceError
	e.clientID = newDialogEntry(nil)
	e.clientID.SetPlaceHolder(lang.X("app.editor.client_id_hint", "the Trusted App's ApplicationUri, e.g. com.acme/nightly"))
	e.clientID.Validator = clientIDError
	e.secret = newSecretEntry(nil)
	e.secret.OnChanged = func(string) { e.showHash() }
	e.secretSt = widget.NewLabel("")
	e.secretSt.Wrapping = fyne.TextWrapWord
	e.secretSt.SizeName = theme.SizeNameCaptionText
	e.hashCaption = widget.NewLabel("")
	e.hashCaption.Wrapping = fyne.TextWrapWord
	e.hashCaption.SizeName = theme.SizeNameCaptionText
	e.hashValue = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	e.hashValue.Selectable = true
	e.hashCopy = newButton(lang.X("app.record.copy_hash", "Copy hash"), theme.ContentCopyIcon(), e.copyHash)
	e.hashRow = container.NewVBox(e.hashCaption, container.NewBorder(nil, nil, nil, e.hashCopy, e.hashValue))
	e.hashRow.Hide()
	e.hashAsk = newButton(lang.X("app.editor.show_hash", "Show the stored secret's ApplicationSecretHash"), theme.VisibilityIcon(), e.askStoredHash)
	e.hashAsk.Importance = widget.LowImportance
	e.hashAsk.Hide()
	e.auth = widget.NewRadioGroup([]string{authPostLabel(), authBasicLabel()}, nil)
	e.auth.Required = true
	e.scopes = newScopePicker(func() { e.checkWarnings() })
	e.calls = newCallList()
	e.author = newDialogEntry(nil)
	e.author.SetPlaceHolder("derived: {instance}/id")
	e.author.Validator = optionalURLError(lang.X("app.editor.authority", "Authority"), true)
	e.tokenEP = newDialogEntry(nil)
	e.tokenEP.SetPlaceHolder(lang.X("app.editor.from_discovery", "from discovery"))
	e.tokenEP.Validator = optionalURLError(lang.X("app.editor.token_endpoint", "Token endpoint"), false)
	e.odata = newDialogEntry(nil)
	e.odata.SetPlaceHolder("derived: {instance}/api/domain/odata/")
	e.odata.Validator = optionalURLError(lang.X("app.editor.odata", "OData root"), false)
	e.caFile = newDialogEntry(nil)
	e.caFile.SetPlaceHolder(lang.X("app.editor.ca_hint", "extra CA bundle (PEM file path), for a private certificate authority"))
	e.insecure = newEscCheck(lang.X("app.editor.insecure", "Skip certificate checks (UNSAFE: anyone on the network can read the secret)"), nil)
	e.proxy = newDialogEntry(nil)
	e.proxy.SetPlaceHolder(lang.X("app.editor.proxy_hint", "from the environment (HTTPS_PROXY); or http://proxy:3128"))
	e.proxy.Validator = optionalURLError(lang.X("app.editor.proxy", "Proxy"), false)
	e.confirmed = newConfirmedHostsEntry()
	e.timeout = newDialogEntry(nil)
	e.timeout.SetPlaceHolder(strconv.Itoa(int(profiles.DefaultTimeout.Seconds())))
	e.timeout.Validator = func(s string) error {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 600 {
			return errors.New(lang.X("app.editor.timeout_error", "timeout: a whole number of seconds between 1 and 600, or empty for 30"))
		}
		return nil
	}
	e.notes = newMultiLineEntry(nil)
	e.notes.SetMinRowsVisible(2)
	e.warn = widget.NewLabel("")
	e.warn.Wrapping = fyne.TextWrapWord
	e.warn.Importance = widget.WarningImportance
	e.warn.Hide()

	e.newKindFields(container.NewVBox(e.secret, e.hashRow, container.NewHBox(e.hashAsk), e.secretSt))
	form := e.kind.form
	adv := widget.NewForm(
		&widget.FormItem{Text: lang.X("app.editor.authority", "Authority"), Widget: e.author, HintText: lang.X("app.editor.authority_hint", "the identity server; never the global id.erp.net")},
		&widget.FormItem{Text: lang.X("app.editor.token_endpoint", "Token endpoint"), Widget: e.tokenEP},
		&widget.FormItem{Text: lang.X("app.editor.odata", "OData root"), Widget: e.odata},
		&widget.FormItem{Text: lang.X("app.editor.ca_file", "CA file"), Widget: e.caFile},
		&widget.FormItem{Text: "TLS", Widget: e.insecure},
		&widget.FormItem{Text: lang.X("app.editor.proxy", "Proxy"), Widget: e.proxy},
		&widget.FormItem{Text: lang.X("app.editor.confirmed_hosts", "Confirmed hosts"), Widget: e.confirmed, HintText: confirmedHostsHint()},
		&widget.FormItem{Text: lang.X("app.editor.timeout", "Timeout (s)"), Widget: e.timeout, HintText: lang.X("app.editor.timeout_hint", "per network call")},
		&widget.FormItem{Text: lang.X("app.editor.notes", "Notes"), Widget: e.notes},
	)
	acc := widget.NewAccordion(widget.NewAccordionItem(lang.X("app.editor.advanced", "Advanced: overrides, hosts, TLS, proxy, timeout, notes"), adv))
	e.title = widget.NewLabelWithStyle(lang.X("app.menu.new_profile", "New profile"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	e.title.SizeName = theme.SizeNameHeadingText
	e.save = newButton(lang.X("app.editor.save", "Save"), theme.DocumentSaveIcon(), e.submit)
	e.save.Importance = widget.HighImportance
	cancel := newButton(lang.X("app.cancel_esc", "Cancel  (Esc)"), theme.CancelIcon(), sh.closeEditor)
	bottom := container.NewBorder(nil, nil, nil, container.NewHBox(cancel, e.save), e.warn)
	e.content = container.NewBorder(e.title, bottom, nil, nil, widgets.NewVScroll(container.NewVBox(form, acc)))
	return e
}

func (e *editor) origName() string {
	if e.orig == nil {
		return ""
	}
	return e.orig.Name
}

// open shows the form for p (a new profile when nil).
func (e *editor) open(p *profiles.Profile) {
	if e.desk.Running() {
		return
	}
	e.orig = p
	var q profiles.Profile
	if p != nil {
		q = *p
		e.title.SetText(lang.X("app.editor.edit_title", "Edit “{{.Name}}”", map[string]any{"Name": p.Name}))
	} else {
		q = profiles.Profile{AuthMethod: profiles.AuthPost, Scopes: []string{"read"}}
		e.title.SetText(lang.X("app.menu.new_profile", "New profile"))
	}
	e.name.SetText(q.Name)
	e.env.SetText(q.Environment)
	e.instance.SetText(q.InstanceURL)
	e.clientID.SetText(q.ClientID)
	e.secret.SetText("")
	if q.Method() == profiles.AuthBasic {
		e.auth.SetSelected(authBasicLabel())
	} else {
		e.auth.SetSelected(authPostLabel())
	}
	e.scopes.set(q.Scopes)
	e.calls.set(q.Calls)
	e.author.SetText(q.Authority)
	e.tokenEP.SetText(q.TokenEndpoint)
	e.odata.SetText(q.ODataRoot)
	e.caFile.SetText(q.TLS.CAFile)
	e.insecure.SetChecked(q.TLS.InsecureSkipVerify)
	e.proxy.SetText(q.Proxy)
	e.confirmed.SetText(strings.Join(q.ConfirmedHosts, "\n"))
	if q.TimeoutSeconds > 0 {
		e.timeout.SetText(strconv.Itoa(q.TimeoutSeconds))
	} else {
		e.timeout.SetText("")
	}
	e.notes.SetText(q.Notes)
	e.setKind(q)
	e.secretSt.SetText(e.secretStatus(q))
	e.storedHash, e.hashOp = "", 0
	if p != nil {
		if h, ok := e.desk.KnownSecretHash(p.Name); ok {
			e.storedHash = h.Hash
		}
	}
	e.showHash()
	e.secretPlaceholder()
	e.checkWarnings()
	e.sh.showScreen(e.content)
	e.sh.focus(e.name)
}

// askStoredHash asks the desk for the hash of the stored secret of the profile being
// edited (the button, when the desk does not know it from a run); the secret itself
// never comes to the screen.
func (e *editor) askStoredHash() {
	name := e.origName()
	if name == "" || e.hashOp != 0 {
		return
	}
	e.hashAsk.Disable()
	e.desk.SecretHash(name, nil, func(op *desk.Op) { e.hashOp = op.ID }, func(h desk.SecretHash) {
		if h.Op != e.hashOp || e.origName() != name {
			return // the editor moved on to another profile
		}
		e.hashOp = 0
		e.hashAsk.Enable()
		switch {
		case h.NoSecret:
			e.sh.setStatus(lang.X("app.editor.no_secret_stored", "“{{.Name}}” has no client secret stored: paste it above, and its hash shows as you type.", map[string]any{"Name": name}))
		case h.Err != nil:
			e.sh.showError(lang.X("app.editor.secret_unreadable", "Could not read the client secret of “{{.Name}}”", map[string]any{"Name": name}), h.Err, e.desk.Keychain().Fix)
		}
		e.storedHash = h.Hash
		e.showHash()
	})
}

// showHash shows the ApplicationSecretHash of the secret being typed (computed here,
// as it is typed), else of the stored secret, else the button that asks for it.
func (e *editor) showHash() {
	typed := e.secret.Text
	e.hashAsk.Hide()
	switch {
	case e.kindOf() != profiles.KindClientCredentials:
		e.hashValue.SetText("") // only a client secret has an ApplicationSecretHash
		e.hashRow.Hide()
		return
	case typed != "":
		caption := lang.X("app.editor.hash_typed", "ApplicationSecretHash of the secret typed: the Trusted App record must hold exactly this (it is not the secret).")
		if strings.TrimSpace(typed) != typed {
			caption = lang.X("app.editor.hash_space", "ApplicationSecretHash of the secret typed. It starts or ends with a space or line break, which the hash and every token request include: remove it unless it is part of the secret.")
		}
		e.hashCaption.SetText(caption)
		e.hashValue.SetText(check.ApplicationSecretHash(typed))
	case e.storedHash != "":
		e.hashCaption.SetText(lang.X("app.editor.hash_stored", "ApplicationSecretHash of the stored secret: the Trusted App record must hold exactly this (it is not the secret)."))
		e.hashValue.SetText(e.storedHash)
	default:
		e.hashValue.SetText("")
		e.hashRow.Hide()
		if e.orig != nil && !e.orig.SecretSetAt.IsZero() {
			e.hashAsk.Show()
		}
		return
	}
	e.hashRow.Show()
}

// copyHash copies the hash shown (never the secret).
func (e *editor) copyHash() {
	if h := e.hashValue.Text; h != "" {
		e.sh.clipboard().SetContent(h)
		e.sh.setStatus(lang.X("app.editor.hash_copied", "Copied ApplicationSecretHash {{.Hash}} (the hash, never the secret): put it in the Trusted App record, or in a support ticket.", map[string]any{"Hash": h}))
	}
}

func (e *editor) secretStatus(p profiles.Profile) string {
	where := lang.X("app.editor.where_keychain", "saved in {{.Keychain}}, never in the profile file", map[string]any{"Keychain": keychainName()})
	if kc := e.desk.Keychain(); !kc.Persistent {
		where = lang.X("app.editor.where_memory", "kept in memory for this session only, never in the profile file")
		if n := kc.Unavailable; n != "" {
			// The keyring's own one-sentence fix follows on its own line.
			return e.secretStatusWith(p, where) + "\n" + n
		}
	}
	return e.secretStatusWith(p, where)
}

func (e *editor) secretStatusWith(p profiles.Profile, where string) string {
	what := secretNameOf(e.kindOf())
	if e.kindOf() == profiles.KindClientCredentials {
		what = lang.X("app.editor.secret_word", "secret")
	}
	data := map[string]any{"What": what, "Where": where}
	if stored := p.StoredKind(); stored != "" && stored != e.kindOf() {
		data["Stored"] = secretNameOf(stored)
		return lang.X("app.editor.wrong_kind", "The keychain holds a {{.Stored}} for this profile, which is not sent as its {{.What}}: paste the {{.What}}. It will be {{.Where}}.", data)
	}
	if p.SecretSetAt.IsZero() {
		return lang.X("app.editor.none_stored", "No {{.What}} stored yet. It will be {{.Where}}.", data)
	}
	age := e.desk.Now().Sub(p.SecretSetAt)
	data["Age"] = roughAge(age)
	s := lang.X("app.editor.set_ago", "{{.What}} {{.Where}}; set {{.Age}} ago", data)
	if age < 2*time.Minute {
		s = lang.X("app.editor.set_now", "{{.What}} {{.Where}}; set just now", data)
	}
	s = sentence.Capitalize(s)
	if age > rotationAge && e.kindOf() == profiles.KindClientCredentials {
		s += ". " + lang.X("app.editor.rotate", "Consider rotating it: create a new secret on the Trusted App, paste it here, then remove the old one")
	}
	return s + "."
}

// selectedScopes is the chosen scopes in order, with a scope still typed in the
// entry (not yet added with Enter) included.
func (e *editor) selectedScopes() []string {
	out := e.scopes.scopes()
	for _, s := range strings.Fields(e.scopes.entry.Text) {
		if !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// checkWarnings shows advice that does not block saving.
func (e *editor) checkWarnings() {
	var w []string
	for _, s := range e.selectedScopes() {
		if e.kindOf() != profiles.KindClientCredentials {
			break // no scopes are requested
		}
		switch s {
		case "DomainApi":
			w = append(w, lang.X("app.editor.warn_domainapi", "DomainApi is a legacy scope that current ERP.net versions no longer need: use read (and update to write)."))
		case "sec":
			w = append(w, lang.X("app.editor.warn_sec", "sec is for ERP.net's internal security APIs; a service app rarely needs it."))
		case "openid", "profile", "offline_access":
			w = append(w, lang.X("app.editor.warn_signin", "{{.Scope}} is only for interactive sign-in: a client-credentials token never gets it.", map[string]any{"Scope": s}))
		case "read", "update":
		default:
			w = append(w, lang.X("app.editor.warn_unknown", "“{{.Scope}}” is not a scope ERP.net documents (known: read, update, sec). Scopes are case-sensitive.", map[string]any{"Scope": s}))
		}
	}
	if u, err := url.Parse(strings.TrimSpace(e.instance.Text)); err == nil && u.Scheme == "http" && !isLoopback(u.Hostname()) {
		w = append(w, lang.X("app.editor.warn_http", "http:// sends the client secret unencrypted: use https:// for anything but a local test server."))
	}
	if e.insecure.Checked {
		w = append(w, lang.X("app.editor.warn_insecure", "Certificate checks are off: use this only to diagnose, never for production."))
	}
	if len(w) == 0 {
		e.warn.Hide()
		return
	}
	e.warn.SetText(strings.Join(w, "\n"))
	e.warn.Show()
}

// profile builds the profile from the form.
func (e *editor) profile() (profiles.Profile, error) {
	var p profiles.Profile
	if e.orig != nil {
		p = *e.orig
	}
	p.Name = profiles.NormalizeName(strings.TrimSpace(e.name.Text))
	p.Environment = strings.TrimSpace(e.env.Text)
	p.InstanceURL = strings.TrimSpace(e.instance.Text)
	p.ClientID = strings.TrimSpace(e.clientID.Text)
	p.AuthMethod = profiles.AuthPost
	if e.auth.Selected == authBasicLabel() {
		p.AuthMethod = profiles.AuthBasic
	}
	p.Scopes = e.selectedScopes()
	calls, err := e.calls.calls()
	if err != nil {
		return p, err
	}
	p.Calls = calls
	p.Authority = strings.TrimSpace(e.author.Text)
	p.TokenEndpoint = strings.TrimSpace(e.tokenEP.Text)
	p.ODataRoot = strings.TrimSpace(e.odata.Text)
	p.TLS.CAFile = strings.TrimSpace(e.caFile.Text)
	p.TLS.InsecureSkipVerify = e.insecure.Checked
	p.Proxy = strings.TrimSpace(e.proxy.Text)
	p.ConfirmedHosts = nil
	for _, h := range confirmedLines(e.confirmed.Text) {
		if _, _, err := profiles.ConfirmHost(&p, h); err != nil {
			return p, err
		}
	}
	p.TimeoutSeconds = 0
	if t := strings.TrimSpace(e.timeout.Text); t != "" {
		p.TimeoutSeconds, _ = strconv.Atoi(t)
	}
	p.Notes = e.notes.Text
	e.kindProfile(&p)
	return p, nil
}

// validate runs every field's check and returns the first problem.
func (e *editor) validate() error {
	for _, v := range []fyne.Validatable{e.name, e.instance, e.clientID} {
		if err := v.Validate(); err != nil {
			return err
		}
	}
	if err := e.calls.Validate(); err != nil {
		return err
	}
	if err := e.kindError(); err != nil {
		return err
	}
	for _, v := range []fyne.Validatable{e.author, e.tokenEP, e.odata, e.proxy, e.confirmed, e.timeout} {
		if err := v.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// submit validates and saves on a goroutine.
func (e *editor) submit() {
	if err := e.validate(); err != nil {
		e.sh.setStatus(lang.X("app.editor.not_saved", "Not saved: {{.Err}}.", map[string]any{"Err": err.Error()}))
		e.warn.SetText(lang.X("app.editor.not_saved", "Not saved: {{.Err}}.", map[string]any{"Err": err.Error()}))
		e.warn.Importance = widget.DangerImportance
		e.warn.Show()
		e.warn.Refresh()
		return
	}
	e.warn.Importance = widget.WarningImportance
	p, err := e.profile()
	if err != nil {
		return
	}
	secret := e.secret.Text
	if e.orig != nil && secret == "" {
		if from, to, moved := secretLeaves(*e.orig, p); moved {
			e.askSecretMove(p, from, to) // editor_hosts.go: then save
			return
		}
	}
	e.store(p, secret)
}

// store saves p (with secret when one was typed) on a goroutine.
func (e *editor) store(p profiles.Profile, secret string) {
	orig := e.origName()
	e.save.Disable()
	e.sh.setStatus("Saving “" + p.Name + "”…")
	e.desk.SaveProfile(orig, p, secret, func(err error) { e.saved(p, secret != "", err) })
}

// saved ends a save of p (withSecret: a new secret was given).
func (e *editor) saved(p profiles.Profile, withSecret bool, err error) {
	e.save.Enable()
	var later *profiles.SavedError
	switch {
	case errors.As(err, &later):
		e.sh.showError(lang.X("app.editor.saved_partly", "Saved “{{.Name}}”, but not everything", map[string]any{"Name": p.Name}), err, lang.X("app.editor.paste_again", "Open Edit and paste the secret again."))
		return
	case err != nil && withSecret && isSecretError(err):
		e.sh.showError(lang.X("app.editor.store_failed", "Could not store the client secret"), err, e.desk.Keychain().Fix+" "+lang.X("app.editor.nothing_saved", "Nothing was saved."))
		return
	case err != nil:
		e.sh.showError(lang.X("app.editor.save_failed", "Could not save “{{.Name}}”", map[string]any{"Name": p.Name}), err, lang.X("app.editor.save_failed_fix", "Check the fields; if another window changed the profiles, the list reloads: try again."))
		return
	}
	saved := "Saved “" + p.Name + "”."
	if n := e.desk.Keychain().Notice; n != "" && withSecret {
		saved += " " + n
	}
	e.sh.setStatus(saved)
}

// isSecretError reports whether err came from the keychain (not the store).
func isSecretError(err error) bool {
	var ku *profiles.KeyringUnavailableError
	var tl *profiles.SecretTooLargeError
	return errors.As(err, &ku) || errors.As(err, &tl)
}

// nameError checks a profile name for uniqueness among list (self is the name being
// edited).
func nameError(list []profiles.Profile, s, self string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return errors.New(lang.X("app.editor.err_name", "enter a name for this profile, e.g. “Nightly import (Production)”"))
	}
	if s == self {
		return nil
	}
	for _, p := range list {
		if strings.EqualFold(p.Name, s) {
			return errors.New(lang.X("app.editor.err_exists", "a profile called “{{.Name}}” already exists: choose another name", map[string]any{"Name": p.Name}))
		}
	}
	return nil
}

func isLoopback(host string) bool {
	return host == "localhost" || host == "::1" || strings.HasPrefix(host, "127.")
}

// instanceError checks the instance root URL.
func instanceError(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return errors.New(lang.X("app.editor.err_instance", "enter the instance address, e.g. https://acme.my.erp.net"))
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return errors.New(lang.X("app.editor.err_instance_https", "instance: a full address starting with https://, e.g. https://acme.my.erp.net"))
	}
	if strings.EqualFold(u.Hostname(), "id.erp.net") {
		return errors.New(lang.X("app.editor.err_instance_id", "instance: id.erp.net is the global sign-in, not an instance; enter your instance's address"))
	}
	if p := strings.Trim(u.Path, "/"); p != "" {
		return errors.New(lang.X("app.editor.err_instance_root", "instance: only the root, without /{{.Path}} (the authority and API paths are derived)", map[string]any{"Path": p}))
	}
	return nil
}

func optionalURLError(field string, authority bool) func(string) error {
	return func(s string) error {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return errors.New(lang.X("app.editor.err_url", "{{.Field}}: a full address starting with https://, or empty for the default", map[string]any{"Field": field}))
		}
		if authority && strings.EqualFold(u.Hostname(), "id.erp.net") {
			return errors.New(lang.X("app.editor.err_authority_id", "authority: id.erp.net is the global identity provider and issues no instance tokens; use {instance}/id or leave it empty"))
		}
		return nil
	}
}
