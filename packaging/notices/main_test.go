package main

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"trustedapp-tester/internal/testdir"
)

const mitText = `MIT License

Copyright (c) 2020 Someone

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction...

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND.
`

const apacheText = `                                 Apache License
                           Version 2.0, January 2004
`

func write(t *testing.T, dir, name, text string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeCache lays out module directories and returns a locator over them.
func fakeCache(t *testing.T, files map[string]map[string]string) (locator, string) {
	root := testdir.New(t)
	dirs := map[string]string{}
	for key, fs := range files {
		d := filepath.Join(root, strings.NewReplacer("/", "_", "@", "_").Replace(key))
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		for n, txt := range fs {
			write(t, d, n, txt)
		}
		dirs[key] = d
	}
	goroot := filepath.Join(root, "goroot")
	write(t, goroot, "LICENSE", "Copyright 2009 The Go Authors.\n\nRedistribution and use in source and binary forms, with or without\nmodification... Neither the name of Google LLC nor\n")
	write(t, goroot, "PATENTS", "Additional IP Rights Grant (Patents)\n")
	return func(mods []module) (map[string]string, error) { return dirs, nil }, goroot
}

func infos() []namedInfo {
	app := &debug.BuildInfo{GoVersion: "go1.26.8", Deps: []*debug.Module{
		{Path: "example.com/a", Version: "v1.0.0"},
		{Path: "example.com/b", Version: "v2.1.0"},
	}}
	cli := &debug.BuildInfo{GoVersion: "go1.26.8", Deps: []*debug.Module{
		{Path: "example.com/b", Version: "v2.1.0"},
	}}
	return []namedInfo{{"/x/bin/app", app}, {"/x/bin/cli.exe", cli}}
}

func TestNoticesListEveryModuleWithItsTextAndBinaries(t *testing.T) {
	mods, gv, err := merge(infos())
	if err != nil {
		t.Fatal(err)
	}
	if gv != "go1.26.8" || len(mods) != 2 {
		t.Fatalf("go %q, %d modules", gv, len(mods))
	}
	locate, goroot := fakeCache(t, map[string]map[string]string{
		"example.com/a@v1.0.0": {"LICENSE": mitText, "README.md": "not a licence"},
		"example.com/b@v2.1.0": {"LICENSE.txt": apacheText, "NOTICE": "Portions by B Corp.\r\n"},
	})
	text, err := assemble([]string{"app", "cli.exe"}, gv, mods, locate, goroot)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Third-party software in app, cli.exe",
		"example.com/a                                        v1.0.0                             MIT",
		"example.com/b                                        v2.1.0                             Apache-2.0",
		"Go standard library                                  go1.26.8                           BSD-3-Clause",
		"example.com/a v1.0.0\nLinked into: app\n\n[LICENSE]\n\nMIT License",
		"example.com/b v2.1.0\nLinked into: app, cli.exe\n",
		"[NOTICE]\n\nPortions by B Corp.\n",
		"[PATENTS]\n\nAdditional IP Rights Grant",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("notices lack %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "not a licence") || strings.Contains(text, "\r") {
		t.Errorf("notices carry a README or CR line ends:\n%s", text)
	}
}

func TestAModuleWithoutLicenceFailsNamingIt(t *testing.T) {
	mods, gv, _ := merge(infos())
	locate, goroot := fakeCache(t, map[string]map[string]string{
		"example.com/a@v1.0.0": {"LICENSE": mitText},
		"example.com/b@v2.1.0": {"README.md": "MIT, trust me", "LICENSE": "  \n"},
	})
	_, err := assemble([]string{"app"}, gv, mods, locate, goroot)
	if err == nil || !strings.Contains(err.Error(), "example.com/b@v2.1.0 (no LICENSE") {
		t.Fatalf("want a failure naming example.com/b, got %v", err)
	}
}

func TestAModuleMissingFromTheCacheFails(t *testing.T) {
	mods, gv, _ := merge(infos())
	locate, goroot := fakeCache(t, map[string]map[string]string{
		"example.com/a@v1.0.0": {"LICENSE": mitText},
	})
	_, err := assemble([]string{"app"}, gv, mods, locate, goroot)
	if err == nil || !strings.Contains(err.Error(), "example.com/b@v2.1.0 (not in the module cache)") {
		t.Fatalf("got %v", err)
	}
}

func TestALocalReplaceIsRefused(t *testing.T) {
	in := []namedInfo{{"app", &debug.BuildInfo{Deps: []*debug.Module{
		{Path: "example.com/a", Version: "v1.0.0", Replace: &debug.Module{Path: "../a"}},
	}}}}
	if _, _, err := merge(in); err == nil || !strings.Contains(err.Error(), "local directory ../a") {
		t.Fatalf("got %v", err)
	}
	in[0].info.Deps[0].Replace = &debug.Module{Path: "example.com/fork", Version: "v1.0.1"}
	mods, _, err := merge(in)
	if err != nil || len(mods) != 1 || mods[0].Path != "example.com/fork" || mods[0].Version != "v1.0.1" {
		t.Fatalf("a published replacement is the module linked: %+v, %v", mods, err)
	}
}

func TestAFileThatIsNotAGoBinaryIsRefused(t *testing.T) {
	f := filepath.Join(testdir.New(t), "notes.txt")
	write(t, filepath.Dir(f), "notes.txt", "hello")
	if _, err := build([]string{f}, goModDownload, testdir.New(t)); err == nil || !strings.Contains(err.Error(), "no Go build information") {
		t.Fatalf("got %v", err)
	}
}

func TestTheGoStandardLibraryLicenceMustBeThere(t *testing.T) {
	mods, gv, _ := merge(infos()[1:])
	locate, _ := fakeCache(t, map[string]map[string]string{"example.com/b@v2.1.0": {"LICENSE": apacheText}})
	if _, err := assemble([]string{"cli"}, gv, mods, locate, testdir.New(t)); err == nil || !strings.Contains(err.Error(), "standard library") {
		t.Fatalf("got %v", err)
	}
}
