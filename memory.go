package main

import (
	"runtime/debug"
	"time"
)

// startupSettled is how long after start-up the app hands back what starting took.
const startupSettled = 3 * time.Second

// releaseStartupMemory hands the memory that starting the window took, and no longer
// holds, back to the operating system once, startupSettled after start: the fonts
// Fyne parsed and re-parsed to measure the first screens, the sandbox's setup, the
// store's writes. Left to Go's background scavenger it would stay resident for
// minutes, and the app would look about 10 MiB heavier than it is
// (docs/benchmarks.md).
func releaseStartupMemory() { time.AfterFunc(startupSettled, debug.FreeOSMemory) }
