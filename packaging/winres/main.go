// Command winres checks the Windows resources of a built executable: its icon, its
// version resource (file and product version, names, description) and its manifest
// (asInvoker, the supported Windows versions, UTF-8), read from the PE file's .rsrc
// section with debug/pe, so any machine can check a cross-built .exe.
//
//	go run ./packaging/winres -name trustedapp-check -version 1.2.3 \
//	    -description "Trusted App Tester command-line checks" -identity net.trustedapptester.check FILE.exe
//
// It prints what it found and exits 1 when something is missing or wrong. `make test`
// runs it on the Windows CLI and `make test-windows` on the desktop app too.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("winres", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var w Want
	fs.StringVar(&w.Name, "name", "", "the executable's name without .exe (InternalName)")
	fs.StringVar(&w.Version, "version", "", "the version it must carry")
	fs.StringVar(&w.Description, "description", "", "its FileDescription")
	fs.StringVar(&w.Identity, "identity", "", "the manifest's assemblyIdentity name")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 || w.Name == "" || w.Version == "" || w.Description == "" || w.Identity == "" {
		fmt.Fprintln(stderr, "usage: winres -name NAME -version V -description TEXT -identity ID FILE.exe")
		return 2
	}
	file := fs.Arg(0)
	f, err := os.Open(file)
	if err != nil {
		fmt.Fprintf(stderr, "winres: %v\n", err)
		return 1
	}
	defer f.Close()
	r, err := Read(f)
	if err != nil {
		fmt.Fprintf(stderr, "winres: %s: %v\n", file, err)
		return 1
	}
	keys := make([]string, 0, len(r.Version))
	for k := range r.Version {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(stdout, "%s: %d icon images in %d group entries, manifest %d bytes, fixed version %s\n", file, r.Icons, r.IconGroups, len(r.Manifest), r.FixedFile)
	for _, k := range keys {
		fmt.Fprintf(stdout, "  %s: %s\n", k, r.Version[k])
	}
	if bad := Check(r, w); len(bad) > 0 {
		for _, b := range bad {
			fmt.Fprintf(stderr, "winres: %s: %s\n", file, b)
		}
		return 1
	}
	return 0
}
