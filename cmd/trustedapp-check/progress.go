package main

import (
	"fmt"
	"io"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/safetext"
	"trustedapp-tester/report"
)

// progressLines prints a line per step as it finishes, and afterwards a line for each
// step whose verdict the run's judgment changed (check/judge.go): a live [fail] the
// later steps lowered to [warn] must not be the last word on the terminal.
type progressLines struct {
	w      io.Writer
	prefix string
	shown  map[string][]check.Verdict // step name -> the verdicts printed, in order
}

func newProgress(w io.Writer, name string) *progressLines {
	prefix := ""
	if name != "" {
		prefix = name + ": "
	}
	return &progressLines{w: w, prefix: prefix, shown: map[string][]check.Verdict{}}
}

func (p *progressLines) step(s check.Step) {
	p.shown[s.Name] = append(p.shown[s.Name], s.Verdict)
	verdict, name, summary := report.StepIn(lang.Localizer(), s)
	fmt.Fprintf(p.w, "%s[%s] %s  %s\n", safetext.Line(p.prefix), verdict, safetext.Line(name), safetext.Line(summary))
}

// revised prints the steps of the judged report whose verdict differs from the one
// shown live, with the reason the judgment gave.
func (p *progressLines) revised(rep *check.Report) {
	seen := map[string]int{}
	for _, s := range rep.Steps {
		k := seen[s.Name]
		seen[s.Name]++
		shown := p.shown[s.Name]
		if k >= len(shown) || shown[k] == s.Verdict {
			continue
		}
		why := ""
		for _, f := range s.Findings {
			if a := f.Evidence[check.EvAdjusted]; a != "" {
				why = a
				break
			}
		}
		_, name, _ := report.StepIn(lang.Localizer(), s)
		line := fmt.Sprintf(lang.X("cli.progress.was_while_it_ran_later", "[%s] %s  was [%s] while it ran; the later steps changed it"),
			report.VerdictIn(lang.Localizer(), s.Verdict), name, report.VerdictIn(lang.Localizer(), shown[k]))
		if why != "" {
			line += " (" + why + ")"
		}
		fmt.Fprintf(p.w, "%s%s\n", safetext.Line(p.prefix), safetext.Line(line))
	}
}
