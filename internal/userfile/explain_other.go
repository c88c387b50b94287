//go:build !windows

package userfile

import (
	"errors"
	"syscall"
)

const badNameHint = "A file name cannot contain / or a NUL character: choose another name."

// osKind sorts the Unix error numbers.
func osKind(err error) Kind {
	var no syscall.Errno
	if !errors.As(err, &no) {
		return Other
	}
	switch no {
	case syscall.EINVAL, syscall.EILSEQ:
		return BadName
	case syscall.EACCES, syscall.EPERM, syscall.EROFS:
		return NoAccess
	case syscall.ENOENT, syscall.ENOTDIR:
		return NoFolder
	case syscall.ENOSPC, syscall.EDQUOT:
		return DiskFull
	case syscall.ENAMETOOLONG:
		return TooLong
	case syscall.EISDIR:
		return IsFolder
	}
	return Other
}
