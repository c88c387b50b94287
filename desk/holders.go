package desk

import (
	"context"

	"trustedapp-tester/check"
)

// Who holds the licences, read with another profile's token: a run refused with
// MaximumLicenseCountExceeded asked with its own token and was refused the same way
// (reading the monitoring views needs a session too). A token whose session is still
// open, or whose System User has a reserved seat, can read them; the answer goes into
// the run's report (session.holders), so Guidance and the saved reports show it.

// HoldersRead is the result of reading who holds the licences.
type HoldersRead struct {
	Op OpID
	// Run is the run whose report took the holders: the profile's last run when the
	// read started.
	Run RunID
	// Reader is who read, its Run the run whose token read.
	Reader    RecordReader
	Holders   check.Holders
	Cancelled bool
}

// ReadHolders reads who holds the licences of the instance of the profile called name
// with the token of the profile called reader (a reader as for ReadRecord: its token
// of this session, or a new one first), on a goroutine, and puts them into the report
// of name's last run before done hears of them. The answer is nil, and nothing
// starts, when name has no run or reader cannot read on its instance.
func (d *Desk) ReadHolders(name, reader string, began func(*Op), done func(HoldersRead)) *Op {
	p, _ := d.Find(name)
	shown := d.RunOf(name)
	rd, fresh, ok := d.readerFor(name, reader)
	if !ok || shown == nil || !shown.Done {
		return nil
	}
	opts := d.options()
	op := d.startOp(name)
	if began != nil {
		began(op)
	}
	d.background(func() {
		var h check.Holders
		var why string
		if rd, why = d.readerReady(op.ctx, rd, fresh, opts); why != "" {
			h.State, h.Note = check.HoldersFailed, why
		} else {
			ctx, cancel := context.WithTimeout(op.ctx, p.Timeout())
			h = d.deps.ReadHolders(ctx, p, rd.Run.Access(), opts)
			cancel()
			h.Note = "Read with " + readerName(rd) + ": " + h.Note
		}
		h.Steps = nil
		res := HoldersRead{Op: op.ID, Run: shown.ID, Reader: rd, Holders: h, Cancelled: op.ctx.Err() != nil}
		finish(op, func(res HoldersRead) {
			if !res.Cancelled && shown.Report.Session != nil {
				shown.Report.Session.SetHolders(res.Holders) // on the UI goroutine, as every change of a run
			}
			done(res)
		}, res)
	})
	return op
}

// readerName names a reader's token in a sentence.
func readerName(rd RecordReader) string {
	if rd.Own {
		return "this run's token"
	}
	n := "the token of “" + rd.Name + "”"
	if u := rd.SystemUser(); u != "" {
		n += " (System User " + u + ")"
	}
	return n
}
