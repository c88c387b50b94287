package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"trustedapp-tester/internal/atomicfile"
	"trustedapp-tester/internal/safetext"
	"trustedapp-tester/internal/shellquote"
	"trustedapp-tester/profiles"
)

// profiles import, export and recover: profiles to and from files, never secrets.

// importOptions is what import parses its command line into.
type importOptions struct {
	storeOptions
	file       string // FILE, or - for stdin
	csv        bool   // --csv, or a FILE named *.csv: a CSV file, not a bundle
	onConflict profiles.ConflictAction
}

func parseImport(e env) (*importOptions, error) {
	o := &importOptions{storeOptions: storeOptions{env: e}}
	fs := o.flags("import")
	onConflict := fs.String("on-conflict", "skip", "what to do with a name that exists: skip, rename or replace")
	fs.BoolVar(&o.csv, "csv", false, "FILE is a CSV file (columns name, instance, client_id, scopes, env, tags)")
	move := fs.Bool("move-secrets", false, "with --on-conflict replace: let the stored client secrets follow the replaced profiles to the hosts they name")
	pos, err := o.parse(fs, 1, 1, "import [--csv] FILE|- [--on-conflict skip|rename|replace [--move-secrets]] [--store FILE]")
	if err != nil {
		return nil, err
	}
	switch *onConflict {
	case "skip":
		o.onConflict = profiles.ConflictSkip
	case "rename":
		o.onConflict = profiles.ConflictRename
	case "replace":
		o.onConflict = profiles.ConflictReplace
		if *move {
			o.onConflict = profiles.ConflictReplaceMovingSecret
		}
	default:
		return nil, usageErr("--on-conflict %q: use skip, rename or replace", *onConflict)
	}
	if *move && o.onConflict != profiles.ConflictReplaceMovingSecret {
		return nil, usageErr("--move-secrets moves the secrets of the profiles an import replaces: use it with --on-conflict replace")
	}
	o.file = pos[0]
	if strings.EqualFold(filepath.Ext(o.file), ".csv") {
		o.csv = true
	}
	return o, nil
}

func importRun(o *importOptions) error {
	var r io.Reader = o.stdin
	if o.file != "-" {
		f, err := os.Open(o.file)
		if err != nil {
			return envErr("cannot open the import file: %v", err)
		}
		defer f.Close()
		r = f
	}
	s, err := o.open()
	if err != nil {
		return err
	}
	decide := func(string) profiles.ConflictAction { return o.onConflict }
	var res profiles.ImportResult
	if o.csv {
		res, err = profiles.ImportCSV(s, r, decide)
	} else {
		res, err = profiles.ImportBundle(s, r, decide)
	}
	if err != nil {
		if errors.Is(err, profiles.ErrChangedOnDisk) || errors.Is(err, profiles.ErrBusy) {
			return storeErr(err)
		}
		var ce *profiles.CSVError
		if errors.As(err, &ce) && len(ce.Problems) > 1 {
			// One line per problem, each naming its line of the file.
			var b strings.Builder
			for _, p := range ce.Problems {
				fmt.Fprintf(&b, "  %s\n", safetext.Line(p))
			}
			return &cliError{code: exitUsage, msg: fmt.Sprintf("the CSV file cannot be imported (%d problems); nothing was imported:", len(ce.Problems)), detail: b.String()}
		}
		return usageErr("%s", safetext.Line(err.Error()))
	}
	writeResult(o.stdout, res, "added     %s\n", "skipped   %s (a profile with this name exists; use --on-conflict rename or replace)\n")
	fmt.Fprintf(o.stdout, "%d added, %d renamed, %d replaced, %d skipped, %d rejected. Secrets are never imported: set them with set-secret.\n",
		len(res.Added), len(res.Renamed), len(res.Replaced), len(res.Skipped), len(res.Rejected))
	writeSecretFates(o.stdout, res.Secrets)
	writeReview(o.stdout, res.Review)
	writeNeedSecret(o.stdout, res)
	if len(res.Rejected) > 0 {
		return exitWith(exitUsage)
	}
	return nil
}

// writeResult lists what an import or a recovery did, one profile a line. Every name
// comes from a file: it is escaped, so it cannot move the cursor or recolour the
// terminal (safetext).
func writeResult(out io.Writer, res profiles.ImportResult, added, skipped string) {
	for _, n := range res.Added {
		fmt.Fprintf(out, added, safetext.Line(n))
	}
	for _, r := range res.Renamed {
		fmt.Fprintf(out, "renamed   %s -> %s (the name was taken)\n", safetext.Line(r.From), safetext.Line(r.To))
	}
	for _, n := range res.Replaced {
		fmt.Fprintf(out, "replaced  %s\n", safetext.Line(n))
	}
	for _, n := range res.Skipped {
		fmt.Fprintf(out, skipped, safetext.Line(n))
	}
	for _, r := range res.Rejected {
		fmt.Fprintf(out, "rejected  %s\n", safetext.Line(r.Name))
		for _, p := range r.Problems {
			if p.Severity == profiles.SeverityError {
				fmt.Fprintf(out, "          %s: %s\n", p.Field, safetext.Line(p.Message))
			}
		}
	}
}

// writeSecretFates says, for each replaced profile whose stored secret the import would
// send to other hosts, whether it followed (--move-secrets) or stayed.
func writeSecretFates(out io.Writer, fates []profiles.SecretFate) {
	for _, f := range fates {
		from, to := strings.Join(f.From, ", "), strings.Join(f.To, ", ")
		if f.Moved {
			fmt.Fprintf(out, "The client secret of %s now goes to %s (it was stored for %s; --move-secrets).\n", safetext.Line(strconv.Quote(f.Name)), safetext.Line(to), safetext.Line(from))
			continue
		}
		fmt.Fprintf(out, "The client secret of %s was stored for %s and stays with it: it is not sent to %s, which the import names.\nIf that is right: trustedapp-check profiles edit %s --move-secrets (or set the secret again).\n",
			safetext.Line(strconv.Quote(f.Name)), safetext.Line(from), safetext.Line(to), safetext.Line(shellquote.Quote(f.Name)))
	}
}

// writeReview lists the security-relevant settings the imported profiles brought in,
// for the user to check before using them.
func writeReview(out io.Writer, rev []profiles.Review) {
	if len(rev) == 0 {
		return
	}
	fmt.Fprintln(out, "\nReview these settings the import brought in (edit or remove a profile if one is not what you expect):")
	for _, r := range rev {
		fmt.Fprintf(out, "  %s\n", safetext.Line(r.Name))
		for _, n := range r.Notes {
			fmt.Fprintf(out, "    %s: %s\n", n.Field, n.Message)
		}
	}
}

// writeNeedSecret lists the profiles an import saved that have no secret in the
// keychain yet, each with the command that sets it.
func writeNeedSecret(out io.Writer, res profiles.ImportResult) {
	names := append([]string{}, res.Added...)
	for _, r := range res.Renamed {
		names = append(names, r.To)
	}
	names = append(names, res.Replaced...)
	secrets := newSecrets()
	var need []string
	for _, n := range names {
		switch secrets.Status(n) {
		case profiles.SecretNotSet:
			need = append(need, n)
		case profiles.SecretKeychainUnavailable:
			fmt.Fprintln(out, "\nThe keychain does not answer, so which profiles still need a secret is unknown: set each with 'trustedapp-check profiles set-secret NAME'.")
			return
		}
	}
	if len(need) == 0 {
		return
	}
	fmt.Fprintf(out, "\n%d of the imported profiles still need a client secret (typed or piped, never an argument):\n", len(need))
	for _, n := range need {
		fmt.Fprintf(out, "  trustedapp-check profiles set-secret %s\n", safetext.Line(shellquote.Quote(n)))
	}
}

func recoverRun(o *namesOptions) error {
	s, err := o.open()
	if err != nil {
		return err
	}
	var file string
	if len(o.names) == 1 {
		file = o.names[0]
	} else if found := s.DamagedFiles(); len(found) > 0 {
		file = found[0]
	} else {
		return usageErr("there is no damaged store file beside %s to recover from (they are named %s.corrupt-TIME): name the file to read", s.Path(), filepath.Base(s.Path()))
	}
	res, err := s.Recover(file)
	if err != nil {
		return storeErr(err)
	}
	fmt.Fprintf(o.stdout, "From %s:\n", file)
	writeResult(o.stdout, res, "recovered %s (it was missing)\n", "kept      %s (the store has it as it was, or edited since)\n")
	fmt.Fprintf(o.stdout, "%d recovered, %d replaced by the damaged file's newer version, %d kept. Their secrets stayed in the keychain.\n",
		len(res.Added), len(res.Replaced), len(res.Skipped))
	return nil
}

// exportOptions is what export parses its command line into.
type exportOptions struct {
	storeOptions
	names []string // none: every profile
	out   string   // -o FILE ("" or -: stdout)
}

func parseExport(e env) (*exportOptions, error) {
	o := &exportOptions{storeOptions: storeOptions{env: e}}
	fs := o.flags("export")
	fs.StringVar(&o.out, "o", "", "write to `FILE` instead of stdout")
	names, err := o.parse(fs, 0, -1, "export [NAME...] [-o FILE] [--store FILE]")
	o.names = names
	return o, err
}

func exportRun(o *exportOptions) error {
	s, err := o.open()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.Export(o.names, &buf); err != nil {
		return storeErr(err)
	}
	if o.out == "" || o.out == "-" {
		o.stdout.Write(buf.Bytes())
		return nil
	}
	if err := atomicfile.WriteFile(o.out, buf.Bytes(), 0o600); err != nil {
		return envErr("cannot write the export: %v", err)
	}
	n := len(o.names)
	if n == 0 {
		n = len(s.List())
	}
	fmt.Fprintf(o.stderr, "Exported %d profiles to %s (secrets are never exported).\n", n, o.out)
	return nil
}
