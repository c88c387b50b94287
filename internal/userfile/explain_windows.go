package userfile

import (
	"errors"
	"syscall"

	"golang.org/x/sys/windows"
)

const badNameHint = `Windows does not allow \ / : * ? " < > | in a file name, a name that ends with a dot or a space, or a device name such as CON or NUL: choose another name.`

// osKind sorts Windows' error codes.
func osKind(err error) Kind {
	var no syscall.Errno
	if !errors.As(err, &no) {
		return Other
	}
	switch no {
	case syscall.EINVAL, windows.ERROR_INVALID_NAME, windows.ERROR_BAD_PATHNAME, windows.ERROR_DIRECTORY:
		return BadName
	case windows.ERROR_ACCESS_DENIED, windows.ERROR_WRITE_PROTECT, windows.ERROR_NOT_READY:
		return NoAccess
	case windows.ERROR_PATH_NOT_FOUND, windows.ERROR_FILE_NOT_FOUND, windows.ERROR_BAD_NETPATH:
		return NoFolder
	case windows.ERROR_DISK_FULL, windows.ERROR_HANDLE_DISK_FULL:
		return DiskFull
	case windows.ERROR_FILENAME_EXCED_RANGE:
		return TooLong
	case windows.ERROR_SHARING_VIOLATION, windows.ERROR_LOCK_VIOLATION:
		return InUse
	case syscall.EISDIR: // Go's own, for a folder opened to write
		return IsFolder
	}
	return Other
}
