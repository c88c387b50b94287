//go:build ignore

// Command barewindow is the yardstick of the desktop app's start-up cost in
// scripts/bench-process.sh: a bare Fyne window (the same Fyne version, from this
// module's go.mod) with one label, at the size the app opens. It is built by the bench
// script (go build -o bin/bare-window scripts/bench/barewindow.go) and is no part of
// the app; the build tag keeps it out of ./... .
package main

import (
	"flag"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	size := flag.String("size", "1200x720", "window size, WIDTHxHEIGHT")
	flag.Parse()
	var w, h float32
	if _, err := fmt.Sscanf(*size, "%fx%f", &w, &h); err != nil {
		panic("barewindow: -size " + *size + ": " + err.Error())
	}
	a := app.NewWithID("net.trustedapptester.barewindow")
	win := a.NewWindow("Bare window")
	win.SetContent(widget.NewLabel("A bare Fyne window."))
	win.Resize(fyne.NewSize(w, h))
	win.ShowAndRun()
}
