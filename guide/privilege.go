package guide

// The least-privilege advice (codes privilege.*, see check/privilege.go): what the
// token and the Trusted App record show that could be narrowed. They join the one
// catalogue at start-up; they live in their own file so the advice reads as a whole.

func init() {
	for code, e := range privilegeCatalogue {
		catalogue[code] = e
	}
}

const narrowConfirm = "Run the check again (or read the record again); this advice should be gone."

var privilegeCatalogue = map[string]entry{
	"privilege.update_unused": {
		title: "update is allowed, but the integration only reads",
		what:  "[[The {source} shows the update scope||The update scope is allowed]], yet every API call this profile makes only reads[[ ({calls} calls)]]. A token with update may create, change and delete data; one that only reads needs read.",
		causes: []string{
			"The scopes were copied from an example (read update) rather than chosen for this integration.",
			"The profile does not list the calls the integration really makes: if it writes, add those calls so the advice sees them.",
		},
		fields: []Field{profileField("scopes", "read"), trustedAppField("Scope", "read (update only if the integration writes)")},
		steps: []string{
			"If the integration never writes, request only read (the profile's scopes and the integration's token request).",
			whereToFix,
			"Remove update from the Trusted App's Scope field, unless another part of the integration writes.",
		},
		confirm: narrowConfirm,
		doc:     docScopes,
	},
	"privilege.sec_scope": {
		title:   "The internal sec scope is allowed",
		what:    "[[The {source} shows||The app has]] the sec scope, which opens the security namespace (users, roles, Trusted Apps) and which ERP.net reserves for internal use. An integration never needs it.",
		fields:  []Field{profileField("scopes", "without sec"), trustedAppField("Scope", "without sec")},
		steps:   []string{"Stop requesting sec (the profile's scopes and the integration's token request).", whereToFix, "Remove sec from the Trusted App's Scope field."},
		confirm: narrowConfirm,
		doc:     docScopes,
	},
	"privilege.interactive_user": {
		title: "The System User[[ {system_user}]] is an interactive user",
		what:  "The app acts as[[ {system_user}||its System User]], a user of type[[ {user_type}||InternalUser]]: a login a person can also sign in with, whose rights usually fit a person, not an integration. ERP.net has a user type for integrations: ApplicationUserNoLogin, which logs in only with application credentials.",
		fields: []Field{
			trustedAppField("SystemUser", "a dedicated user of type ApplicationUserNoLogin"),
			systemUserField("UserType", "ApplicationUserNoLogin"),
		},
		steps: []string{
			"Create a user of type ApplicationUserNoLogin for this integration (one per integration), Active, with only the roles it needs.",
			whereToFix,
			"Set it as the Trusted App's SystemUser.",
		},
		confirm: "Run the check again; the identity card should show the new System User and this advice should be gone.",
		doc:     docSecurity,
	},
	"privilege.admin_user": {
		title:  "The System User[[ {system_user}]] is an administrator",
		what:   "The app acts as[[ {system_user}||a System User]] with IsAdmin set: within the scopes its token carries (ERP.net's APIs check them on every request), every call it makes may read, and with update change, anything the instance holds. A stolen secret would give the same power.",
		fields: []Field{systemUserField("IsAdmin", "false"), trustedAppField("SystemUser", "a dedicated user with only the roles the integration needs")},
		steps: []string{
			"Give the integration its own user (type ApplicationUserNoLogin) that is not an administrator, with only the roles it needs.",
			whereToFix,
			"Set it as the Trusted App's SystemUser.",
		},
		confirm: narrowConfirm,
		doc:     docSecurity,
	},
	"privilege.reference_tokens": {
		title:   "Reference tokens can be issued for this app[[ ({actual})]]",
		what:    "ReferenceTokens is[[ {actual}||not None]]: besides one-hour tokens, long-lived reference tokens (enrt_…) can be issued for the app, and each keeps working until it expires or is revoked.",
		fields:  []Field{trustedAppField("ReferenceTokens", "None, unless someone needs reference tokens")},
		steps:   []string{whereToFix, "Set ReferenceTokens to None unless someone needs reference tokens.", "Revoke the reference tokens nobody uses any more."},
		confirm: narrowConfirm,
		doc:     docReference,
	},
	"privilege.basic_auth": {
		title:   "Legacy Basic authentication is allowed",
		what:    "BasicAuthenticationAllowed is on: the app also accepts a user name and password, which is less safe than OAuth and not needed for client credentials.",
		fields:  []Field{trustedAppField("BasicAuthenticationAllowed", "false")},
		steps:   []string{whereToFix, "Turn BasicAuthenticationAllowed off unless an old client still signs in with a password."},
		confirm: narrowConfirm,
		doc:     docTrustedApps,
	},
	"privilege.secret_old": {
		title: "The client secret is[[ {age_days} days||]] old",
		what:  "The secret is[[ at least {age_days} days||]] old[[ (unchanged since {since})]], [[more than the {rotation_days} days after which||older than the age at which]] this tool suggests rotating it. A secret that never changes stays valid wherever it was ever copied.",
		fields: []Field{
			trustedAppField("ApplicationSecretHash", "the hash of a new secret"),
			profileField("secret", "the new secret (in {keychain})"),
		},
		steps: []string{
			"Make a new secret: in the app, More actions (next to Edit) > New secret for this Trusted App…; or trustedapp-check secret new --profile NAME --replace (it is shown once, with its hash, and stored in {keychain}).",
			whereToFix,
			"Put the new hash in ApplicationSecretHash (on the hosted service, send only the hash in a support ticket).",
			"Give the new secret to the integration; the old one stops working as soon as the hash changes.",
		},
		confirm: "Run the check again with a fresh token; the Token step should pass and this advice should be gone.",
		doc:     docSecurity,
	},
}
