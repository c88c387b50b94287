package desk

import (
	"context"

	"trustedapp-tester/check"
)

// The record from its form: the values an administrator copied from the Trusted App's
// form in ERP.net, one more source of the record beside the readers' tokens, for an
// instance whose API will not show it (the sec scope ERP.net reserves for itself, or
// a System User without the permission). The same RecordRead comes back, with the
// stored secret's ApplicationSecretHash compared, and nothing goes on the network.

// ReadRecordForm checks text, the values copied from the Trusted App's form, as the
// record of the profile called name (check.ReadRecordForm), on a goroutine; run is
// the run the screen shows (nil before any). The answer's Reader has Form set; its
// Result.Form says which fields the text gave. The answer is nil, and nothing starts,
// when there is no such profile.
func (d *Desk) ReadRecordForm(name, text string, run *Run, began func(*Op), done func(RecordRead)) *Op {
	if _, ok := d.Find(name); !ok {
		return nil
	}
	var shown RunID
	if run != nil {
		shown = run.ID
	}
	return d.recordOp(name, shown, began, done, func(context.Context) (RecordReader, check.RecordResult) {
		return RecordReader{Name: name, Form: true}, check.ReadRecordForm(text)
	})
}
