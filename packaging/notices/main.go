// Command notices writes the third-party licence notices of Go binaries: for every
// module linked into them (read from the binaries' own build information, so it is
// exactly what was linked for that OS, architecture and set of build tags) and for
// the Go standard library, the module's licence files (LICENSE, COPYING, NOTICE,
// PATENTS...) in full, with the binaries that contain it.
//
//	go run ./packaging/notices -o THIRD-PARTY-NOTICES.txt BINARY...
//
// It fails, naming the module, when a linked module ships no licence file, so a new
// dependency cannot reach a release without its notice. Modules are looked up with
// `go mod download -json` (the module cache; the network only when a module is not
// there yet).
package main

import (
	"bytes"
	"debug/buildinfo"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
)

// module is one linked module and the binaries it is linked into.
type module struct {
	Path, Version string
	Binaries      []string
	Dir           string
	Files         []licenceFile
}

type licenceFile struct {
	Name, Text string
}

// locator finds a module's source directory.
type locator func(mods []module) (map[string]string, error)

func main() {
	out := flag.String("o", "", "output file (default: standard output)")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: notices [-o FILE] BINARY...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	text, err := build(flag.Args(), goModDownload, goRoot())
	if err != nil {
		fmt.Fprintln(os.Stderr, "notices:", err)
		os.Exit(1)
	}
	if *out == "" {
		_, _ = os.Stdout.WriteString(text)
		return
	}
	if err := os.WriteFile(*out, []byte(text), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "notices:", err)
		os.Exit(1)
	}
}

// goRoot is the Go installation whose standard library the binaries link; its
// LICENSE is the standard library's notice.
func goRoot() string {
	if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		if s := strings.TrimSpace(string(out)); s != "" {
			return s
		}
	}
	return runtime.GOROOT()
}

// build reads the binaries' module lists and renders the notices.
func build(binaries []string, locate locator, goroot string) (string, error) {
	mods, goVersion, err := linked(binaries)
	if err != nil {
		return "", err
	}
	var names []string
	for _, b := range binaries {
		names = append(names, filepath.Base(b))
	}
	return assemble(names, goVersion, mods, locate, goroot)
}

// assemble finds each module's licence files and renders the notices.
func assemble(names []string, goVersion string, mods []module, locate locator, goroot string) (string, error) {
	dirs, err := locate(mods)
	if err != nil {
		return "", err
	}
	var missing []string
	for i := range mods {
		m := &mods[i]
		m.Dir = dirs[m.Path+"@"+m.Version]
		if m.Dir == "" {
			missing = append(missing, m.Path+"@"+m.Version+" (not in the module cache)")
			continue
		}
		if m.Files, err = licenceFiles(m.Dir); err != nil {
			return "", fmt.Errorf("%s@%s: %w", m.Path, m.Version, err)
		}
		if len(m.Files) == 0 {
			missing = append(missing, m.Path+"@"+m.Version+" (no LICENSE, COPYING or NOTICE file in "+m.Dir+")")
		}
	}
	if len(missing) > 0 {
		return "", fmt.Errorf("no licence found for %d linked module(s): %s", len(missing), strings.Join(missing, "; "))
	}
	std, err := licenceFiles(goroot)
	if err != nil || len(std) == 0 {
		return "", fmt.Errorf("the Go standard library's LICENSE is not in %s", goroot)
	}
	return render(names, goVersion, std, mods), nil
}

// linked returns the modules linked into any of the binaries (the main module
// excluded), sorted by path, and the Go version that built them.
func linked(binaries []string) ([]module, string, error) {
	var infos []namedInfo
	for _, b := range binaries {
		info, err := buildinfo.ReadFile(b)
		if err != nil {
			return nil, "", fmt.Errorf("%s: no Go build information (%v)", b, err)
		}
		infos = append(infos, namedInfo{b, info})
	}
	return merge(infos)
}

type namedInfo struct {
	path string
	info *debug.BuildInfo
}

// merge joins the module lists of several binaries.
func merge(infos []namedInfo) ([]module, string, error) {
	byKey := map[string]*module{}
	goVersions := map[string]bool{}
	for _, ni := range infos {
		goVersions[ni.info.GoVersion] = true
		name := filepath.Base(ni.path)
		for _, d := range ni.info.Deps {
			if d.Replace != nil {
				if d.Replace.Version == "" {
					return nil, "", fmt.Errorf("%s links %s replaced by the local directory %s: its licence cannot be checked; release builds must use published modules", ni.path, d.Path, d.Replace.Path)
				}
				d = d.Replace
			}
			k := d.Path + "@" + d.Version
			m := byKey[k]
			if m == nil {
				m = &module{Path: d.Path, Version: d.Version}
				byKey[k] = m
			}
			if len(m.Binaries) == 0 || m.Binaries[len(m.Binaries)-1] != name {
				m.Binaries = append(m.Binaries, name)
			}
		}
	}
	mods := make([]module, 0, len(byKey))
	for _, m := range byKey {
		mods = append(mods, *m)
	}
	sort.Slice(mods, func(i, j int) bool {
		if mods[i].Path != mods[j].Path {
			return mods[i].Path < mods[j].Path
		}
		return mods[i].Version < mods[j].Version
	})
	var gv []string
	for v := range goVersions {
		gv = append(gv, v)
	}
	sort.Strings(gv)
	return mods, strings.Join(gv, ", "), nil
}

// licenceName matches the files that carry a module's licence terms.
var licenceName = regexp.MustCompile(`(?i)^(licen[cs]e|copying|notice|patents|unlicense)([-._].*)?$`)

// licenceFiles reads the licence files at the top of a module's directory.
func licenceFiles(dir string) ([]licenceFile, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []licenceFile
	for _, e := range entries {
		if e.IsDir() || !licenceName.MatchString(e.Name()) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		files = append(files, licenceFile{Name: e.Name(), Text: strings.TrimRight(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")})
	}
	return files, nil
}

// kinds names common licences from their wording, for the summary table; the full
// text below it is what counts.
var kinds = []struct {
	name string
	re   *regexp.Regexp
}{
	{"Apache-2.0", regexp.MustCompile(`Apache License,?\s+Version 2\.0`)},
	{"MPL-2.0", regexp.MustCompile(`Mozilla Public License,?\s+(v\. |version )2\.0`)},
	{"BSD-3-Clause", regexp.MustCompile(`(?s)Redistribution and use.*Neither the name`)},
	{"BSD-2-Clause", regexp.MustCompile(`(?s)Redistribution and use in source and binary forms`)},
	{"MIT", regexp.MustCompile(`(?s)Permission is hereby granted, free of charge.*THE SOFTWARE IS PROVIDED "AS IS"`)},
	{"ISC", regexp.MustCompile(`(?s)Permission to use, copy, modify, and(/or)? distribute this software for any`)},
	{"Unlicense", regexp.MustCompile(`This is free and unencumbered software released into the public domain`)},
	{"Zlib", regexp.MustCompile(`(?s)This software is provided 'as-is'.*Permission is granted to anyone to use this software`)},
}

func kindOf(files []licenceFile) string {
	var found []string
	for _, f := range files {
		for _, k := range kinds {
			if k.re.MatchString(f.Text) {
				found = append(found, k.name)
				break
			}
		}
	}
	if len(found) == 0 {
		return "see text"
	}
	sort.Strings(found)
	return strings.Join(dedupe(found), ", ")
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

func render(names []string, goVersion string, std []licenceFile, mods []module) string {
	var w strings.Builder
	fmt.Fprintf(&w, "Third-party software in %s\n", strings.Join(names, ", "))
	fmt.Fprintf(&w, "%s\n\n", strings.Repeat("=", 40))
	fmt.Fprintf(&w, "These programs are built with Go (%s) and link the Go standard library and the\n", goVersion)
	fmt.Fprintf(&w, "modules below. Each is used under its licence, reproduced in full.\n\n")
	fmt.Fprintf(&w, "%-52s %-34s %s\n", "Module", "Version", "Licence")
	fmt.Fprintf(&w, "%-52s %-34s %s\n", "Go standard library", goVersion, kindOf(std))
	for _, m := range mods {
		fmt.Fprintf(&w, "%-52s %-34s %s\n", m.Path, m.Version, kindOf(m.Files))
	}
	section := func(title, in string, files []licenceFile) {
		fmt.Fprintf(&w, "\n\n%s\n%s\n", strings.Repeat("-", 78), title)
		if in != "" {
			fmt.Fprintf(&w, "Linked into: %s\n", in)
		}
		for _, f := range files {
			fmt.Fprintf(&w, "\n[%s]\n\n%s\n", f.Name, f.Text)
		}
	}
	section("Go standard library "+goVersion, strings.Join(names, ", "), std)
	for _, m := range mods {
		section(m.Path+" "+m.Version, strings.Join(m.Binaries, ", "), m.Files)
	}
	return w.String()
}

// goModDownload asks the go command for each module's directory in the module cache.
func goModDownload(mods []module) (map[string]string, error) {
	if len(mods) == 0 {
		return map[string]string{}, nil
	}
	args := []string{"mod", "download", "-json"}
	for _, m := range mods {
		args = append(args, m.Path+"@"+m.Version)
	}
	cmd := exec.Command("go", args...)
	// Outside any module, so that nothing touches go.mod or go.sum.
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	dirs := map[string]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var r struct{ Path, Version, Dir, Error string }
		if derr := dec.Decode(&r); errors.Is(derr, io.EOF) {
			break
		} else if derr != nil {
			return nil, fmt.Errorf("go mod download: %v", derr)
		}
		if r.Error != "" {
			return nil, fmt.Errorf("go mod download %s@%s: %s", r.Path, r.Version, r.Error)
		}
		dirs[r.Path+"@"+r.Version] = r.Dir
	}
	if err != nil && len(dirs) == 0 {
		return nil, fmt.Errorf("go mod download: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return dirs, nil
}
