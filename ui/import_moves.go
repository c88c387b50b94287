package ui

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"trustedapp-tester/internal/safetext"
	"trustedapp-tester/profiles"
)

// An import that would replace profiles holding a client secret with ones naming
// other hosts asks whether the secrets follow; they stay with the hosts they were
// stored for unless the user ticks the box.

// secretMovesBox is the part of the "same names" question about the secrets of the
// clashing profiles the import would send elsewhere, with the box that lets them
// follow (unticked); an empty box and nil when there are none.
func (s *sidebar) secretMovesBox(clash []string) (fyne.CanvasObject, *escCheck) {
	var lines []string
	for _, m := range s.moves {
		if slices.Contains(clash, m.Name) {
			lines = append(lines, "•  "+lang.X("app.moves.line", "“{{.Name}}”: stored for {{.From}}; the file names {{.To}}", map[string]any{"Name": safetext.Line(m.Name), "From": safetext.Line(strings.Join(m.From, ", ")), "To": safetext.Line(strings.Join(m.To, ", "))}))
		}
	}
	if len(lines) == 0 {
		return container.NewVBox(), nil
	}
	intro := wrapLabel(lang.X("app.moves.intro", "Replacing sends these client secrets to other hosts than they were stored for. Unless you tick the box, each stays with its host and is not sent to the new one (move it later in the profile's editor, or paste it again)."))
	// The app's check box: Esc on it closes the question as from its buttons.
	follow := newEscCheck(lang.X("app.moves.follow", "Let the client secrets follow to the new hosts"), nil)
	return container.NewVBox(intro, wrapLabel(strings.Join(lines, "\n")), follow), follow
}

// replaceAction is "Replace mine", the secrets following when follow is ticked.
func replaceAction(follow *escCheck) profiles.ConflictAction {
	if follow != nil && follow.Checked {
		return profiles.ConflictReplaceMovingSecret
	}
	return profiles.ConflictReplace
}

// secretFateLines say where the client secrets of the replaced profiles went.
func secretFateLines(fates []profiles.SecretFate) []string {
	var out []string
	for _, f := range fates {
		from, to := safetext.Line(strings.Join(f.From, ", ")), safetext.Line(strings.Join(f.To, ", "))
		if f.Moved {
			out = append(out, lang.X("app.import.secret_moved", "The client secret of “{{.Name}}” now goes to {{.To}} (it was stored for {{.From}}).", map[string]any{"Name": safetext.Line(f.Name), "To": to, "From": from}))
		} else {
			out = append(out, lang.X("app.import.secret_stays", "The client secret of “{{.Name}}” stays with {{.From}}: it is not sent to {{.To}} until you move it (Edit) or paste it again.", map[string]any{"Name": safetext.Line(f.Name), "To": to, "From": from}))
		}
	}
	return out
}
