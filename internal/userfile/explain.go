package userfile

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind is what went wrong with a file, as far as the user can do something about it.
type Kind int

// The kinds of file failure, each with its own hint.
const (
	Other    Kind = iota
	BadName       // the OS refuses the name (Windows: \ / : * ? " < > |, CON...)
	NoAccess      // no permission, a read-only folder or drive
	NoFolder      // the folder does not exist
	DiskFull      // no space left
	TooLong       // the name or the whole path is too long
	InUse         // another program holds the file (Windows)
	IsFolder      // the name is a folder's
)

// Error is a failed file operation said for a person: the path as the OS writes it
// (C:\Users\... on Windows), the OS's own reason, and a hint that fits the reason.
type Error struct {
	Path   string // the OS's form
	Reason string // the OS's reason, one clause: no trailing full stop
	Kind   Kind
	Err    error // the error it explains
}

// Error is "PATH: REASON", with no full stop at the end (the caller's sentence ends
// it).
func (e *Error) Error() string {
	if e.Path == "" {
		return e.Reason
	}
	return e.Path + ": " + e.Reason
}

func (e *Error) Unwrap() error { return e.Err }

// Hint is what to do about it, as one or two sentences.
func (e *Error) Hint() string { return Hint(e.Kind) }

// Hint is what to do about a failure of kind k.
func Hint(k Kind) string {
	switch k {
	case BadName:
		return badNameHint
	case NoAccess:
		return "You cannot write there: choose a folder you can write to, such as your Documents folder."
	case NoFolder:
		return "That folder does not exist (any more): choose another one."
	case DiskFull:
		return "The drive is full: free some space on it, or choose another drive."
	case TooLong:
		return "The name or the folder path is too long: choose a shorter name or a folder nearer the top of the drive."
	case InUse:
		return "Another program has the file open: close it there, or choose another name."
	case IsFolder:
		return "That name is a folder's: choose a file name."
	}
	return "Choose another folder or file name and try again."
}

// Explain turns err from creating, writing or reading a file into an *Error (an error
// that already is one is returned as it is; nil stays nil). Without a path in err, path
// names the file.
func Explain(err error, path string) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var pe *fs.PathError
	reason := err
	if errors.As(err, &pe) {
		if pe.Path != "" {
			path = pe.Path
		}
		reason = pe.Err
	}
	if path != "" {
		path = filepath.Clean(filepath.FromSlash(path))
	}
	return &Error{Path: path, Reason: clause(reason.Error()), Kind: kindOf(err), Err: err}
}

// kindOf sorts err by what the user can do about it.
func kindOf(err error) Kind {
	if k := osKind(err); k != Other {
		return k
	}
	switch {
	case errors.Is(err, fs.ErrPermission):
		return NoAccess
	case errors.Is(err, fs.ErrNotExist):
		return NoFolder
	}
	return Other
}

// clause makes the OS's message one clause of a sentence: Windows ends its messages
// with a full stop ("Access is denied."), and its first word is capitalised.
func clause(s string) string {
	s = strings.TrimRight(strings.TrimSpace(s), ".")
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || !unicode.IsUpper(r) {
		return s
	}
	next, _ := utf8.DecodeRuneInString(s[n:])
	if !unicode.IsLower(next) {
		return s // an acronym: "NTFS ..."
	}
	return string(unicode.ToLower(r)) + s[n:]
}
