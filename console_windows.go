package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// attachConsole connects the GUI program (linked with -H windowsgui, so Windows gives
// it no console) to the console of the cmd or PowerShell that started it, so that
// --version and --help print there. Output already redirected to a file or a pipe is
// left alone. cmd does not wait for a GUI program: its prompt may come before the
// text (README).
func attachConsole() {
	if h, err := windows.GetStdHandle(windows.STD_OUTPUT_HANDLE); err == nil && h != 0 && h != windows.InvalidHandle {
		return // redirected: Windows handed the handles over
	}
	const attachParentProcess = ^uintptr(0) // ATTACH_PARENT_PROCESS, (DWORD)-1
	r, _, _ := windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole").Call(attachParentProcess)
	if r == 0 {
		return // started from Explorer: no console to attach to
	}
	if con, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
		os.Stdout, os.Stderr = con, con
	}
}

// messageBox shows an error message box (MessageBoxW) with no window of its own.
func messageBox(title, text string) {
	t, _ := windows.UTF16PtrFromString(title)
	b, _ := windows.UTF16PtrFromString(text)
	windows.MessageBox(0, b, t, windows.MB_OK|windows.MB_ICONERROR|windows.MB_SETFOREGROUND)
}
