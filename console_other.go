//go:build !windows

package main

// attachConsole does nothing: outside Windows a program has its terminal.
func attachConsole() {}

// messageBox does nothing: standard error said it already (with no display there is
// nothing to show a box on).
func messageBox(title, text string) {}
