//go:build !unix && !windows

package filelock

import "os"

// Platforms without flock or LockFileEx (js/wasm, plan9) get no inter-process lock:
// the desktop app and the CLI do not run there.
func tryLock(f *os.File, exclusive bool) error { return nil }

func unlock(f *os.File) error { return nil }
