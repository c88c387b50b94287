// Command winget writes the winget manifest of a release (the version, defaultLocale
// and installer files, schema 1.10.0) for the two MSIs, and refuses to write one that
// does not validate against winget's published JSON schemas (schemas/):
//
//	go run ./packaging/winget -version V -url-base https://.../download/vV -out DIR \
//	    -msi user=FILE.msi,{PRODUCT-CODE},{UPGRADE-CODE} -msi machine=FILE.msi,{...},{...}
//	go run ./packaging/winget -check DIR      validates the manifest files in DIR
//
// scripts/winget-manifest.sh reads the codes from the MSIs (msiinfo) and runs it for
// `make dist`; the release workflow submits the files it writes.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

type msiFlags []MSI

func (m *msiFlags) String() string { return fmt.Sprint(*m) }

func (m *msiFlags) Set(v string) error {
	scope, rest, ok := strings.Cut(v, "=")
	parts := strings.Split(rest, ",")
	if !ok || len(parts) != 3 {
		return fmt.Errorf("want SCOPE=FILE.msi,{PRODUCT-CODE},{UPGRADE-CODE}, got %q", v)
	}
	*m = append(*m, MSI{Scope: scope, Path: parts[0], ProductCode: parts[1], UpgradeCode: parts[2]})
	return nil
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("winget", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var in Inputs
	var msis msiFlags
	out := fs.String("out", "", "the folder to write the three files into")
	check := fs.String("check", "", "validate the manifest files in this folder instead")
	fs.StringVar(&in.Version, "version", "", "the package version")
	fs.StringVar(&in.URLBase, "url-base", "", "where the release serves the MSIs")
	fs.Var(&msis, "msi", "SCOPE=FILE.msi,{PRODUCT-CODE},{UPGRADE-CODE} (user and machine)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *check != "" {
		files, err := readDir(*check)
		if err == nil {
			err = Validate(files)
		}
		if err != nil {
			fmt.Fprintf(stderr, "winget: %s: %v\n", *check, err)
			return 1
		}
		fmt.Fprintf(stdout, "winget: %s: %d files valid (schema %s)\n", *check, len(files), ManifestVersion)
		return 0
	}
	if *out == "" {
		fmt.Fprintln(stderr, "winget: -out is missing")
		return 2
	}
	in.MSIs = msis
	files, err := Generate(in)
	if err == nil {
		err = Validate(files)
	}
	if err != nil {
		fmt.Fprintf(stderr, "winget: %v\n", err)
		return 1
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintf(stderr, "winget: %v\n", err)
		return 1
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(*out, name), b, 0o644); err != nil {
			fmt.Fprintf(stderr, "winget: %v\n", err)
			return 1
		}
	}
	fmt.Fprintf(stdout, "winget: %s: %s %s, %d installers, schema %s, valid\n", *out, PackageIdentifier, in.Version, len(in.MSIs), ManifestVersion)
	return 0
}

// readDir reads the .yaml files of a manifest folder.
func readDir(dir string) (map[string][]byte, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		files[e.Name()] = b
	}
	return files, nil
}
