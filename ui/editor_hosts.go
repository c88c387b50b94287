package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/profiles"
)

// The editor's part of the credential boundary: the hosts confirmed for the access
// token (Advanced, "Confirmed hosts"), and the question when a save would send the
// stored client secret to other hosts than it was stored for.

func confirmedHostsHint() string {
	return lang.X("app.hosts.hint", "this instance's API sites on other hosts; its token may go there; one a line")
}

// newConfirmedHostsEntry is the field of the confirmed hosts: the app's multi-line
// field, which leaves Tab to move on and hands Esc to the window (closing the editor).
func newConfirmedHostsEntry() *dialogEntry {
	e := newMultiLineEntry(nil)
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip) // one host a line, as typed
	e.name = lang.X("app.editor.confirmed_hosts", "Confirmed hosts")
	e.SetMinRowsVisible(2)
	e.SetPlaceHolder("none; e.g. https://tableapi.acme.example")
	e.Validator = func(s string) error {
		var p profiles.Profile
		for _, h := range confirmedLines(s) {
			if _, _, err := profiles.ConfirmHost(&p, h); err != nil {
				return errors.New(lang.X("app.hosts.error", "confirmed hosts: {{.Err}}", map[string]any{"Err": err.Error()}))
			}
		}
		return nil
	}
	return e
}

// confirmedLines are the non-empty lines of the confirmed-hosts entry.
func confirmedLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// secretLeaves reports whether saving p over orig (the profile as stored, with a
// secret) would send the stored client secret to other hosts than it belongs to:
// from are the hosts it belongs to, to those p names.
func secretLeaves(orig, p profiles.Profile) (from, to []string, moved bool) {
	if orig.SecretSetAt.IsZero() {
		return nil, nil, false
	}
	q := p
	q.SecretSetAt = orig.SecretSetAt
	q.SecretFor = profiles.SecretBinding(orig, profiles.Profile{})
	return profiles.SecretMoved(q)
}

// askSecretMove asks whether the stored secret follows p to its new hosts, then saves:
// following is the user's explicit choice; keeping it (the safe default, and what
// closing the question does) leaves it with the hosts it was stored for, where the
// credential gate keeps it.
func (e *editor) askSecretMove(p profiles.Profile, from, to []string) {
	f, t := strings.Join(from, ", "), strings.Join(to, ", ")
	data := map[string]any{"Name": e.origName(), "From": f, "To": t}
	msg := lang.X("app.hosts.move", "The client secret of “{{.Name}}” was stored for {{.From}}. With these changes the profile sends it to {{.To}}.\n\n"+
		"Let it follow only if that is the same Trusted App at its new address. Otherwise keep it for {{.From}}: it is then not sent to {{.To}} until you move it here or paste it again.", data)
	keep := lang.X("app.hosts.keep", "Keep it for {{.Host}}", map[string]any{"Host": strings.TrimPrefix(strings.TrimPrefix(from[0], "https://"), "http://")})
	askYesNo(e.sh.window(), lang.X("app.hosts.move_title", "Send the client secret to {{.To}}?", data), msg, keep, lang.X("app.hosts.follow", "Let it follow"), widget.WarningImportance, func(follow bool) {
		if follow {
			p.SecretFor = to
		}
		e.store(p, "")
	})
}

// confirmedText is what the header's summary line adds for the hosts confirmed for the
// profile's token: " (+ tableapi.acme.example, confirmed)", "" for none.
func confirmedText(p profiles.Profile) string {
	if len(p.ConfirmedHosts) == 0 {
		return ""
	}
	return " " + lang.X("app.hosts.confirmed", "(+ {{.Hosts}}, confirmed by you)", map[string]any{"Hosts": strings.Join(p.ConfirmedHosts, ", ")})
}

// secretElsewhereNote is the header's note when the stored secret belongs to other
// hosts than the profile names (it is then not sent), "" otherwise.
func secretElsewhereNote(p profiles.Profile) string {
	from, to, moved := profiles.SecretMoved(p)
	if !moved {
		return ""
	}
	return lang.X("app.hosts.elsewhere", "The client secret was stored for {{.From}} and is not sent to {{.To}}, which this profile now names. Press Edit and save to let it follow (the editor asks), or paste the secret again.",
		map[string]any{"From": strings.Join(from, ", "), "To": strings.Join(to, ", ")})
}
