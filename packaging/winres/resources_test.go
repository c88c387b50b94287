package main

import (
	"bytes"
	"encoding/binary"
	"os"
	"strings"
	"testing"
	"unicode/utf16"

	"trustedapp-tester/internal/testdir"
)

// The tests build small PE files in memory: a DOS stub, the PE and COFF headers, a
// PE32+ optional header and one .rsrc section holding the resources given.

const rsrcRVA = 0x1000

type res struct {
	typ  uint32
	data []byte
}

// rsrcSection lays out a three-level resource directory with one name and one
// language per resource, followed by the data.
func rsrcSection(rs []res) []byte {
	var b bytes.Buffer
	dir := func(n int) { // IMAGE_RESOURCE_DIRECTORY with n id entries
		b.Write(make([]byte, 14))
		binary.Write(&b, binary.LittleEndian, uint16(n))
	}
	entry := func(id, off uint32) {
		binary.Write(&b, binary.LittleEndian, id)
		binary.Write(&b, binary.LittleEndian, off)
	}
	n := uint32(len(rs))
	root := uint32(16 + 8*n)
	names := root            // n name directories, each 16+8 bytes
	langs := names + 24*n    // n language directories
	entries := langs + 24*n  // n data entries, 16 bytes each
	dataAt := entries + 16*n // the data, each aligned to 8
	dir(len(rs))
	for i := range rs {
		entry(rs[i].typ, subdir|(names+24*uint32(i)))
	}
	for i := range rs {
		dir(1)
		entry(1, subdir|(langs+24*uint32(i)))
	}
	for i := range rs {
		dir(1)
		entry(0x409, entries+16*uint32(i))
	}
	off := dataAt
	for _, r := range rs {
		binary.Write(&b, binary.LittleEndian, rsrcRVA+off)
		binary.Write(&b, binary.LittleEndian, uint32(len(r.data)))
		b.Write(make([]byte, 8))
		off += uint32((len(r.data) + 7) &^ 7)
	}
	for _, r := range rs {
		b.Write(r.data)
		b.Write(make([]byte, ((len(r.data)+7)&^7)-len(r.data)))
	}
	return b.Bytes()
}

// peFile wraps a .rsrc section (or none, when name is not ".rsrc") in a PE32+ file.
func peFile(name string, section []byte) []byte {
	var b bytes.Buffer
	dos := make([]byte, 64)
	copy(dos, "MZ")
	binary.LittleEndian.PutUint32(dos[0x3c:], 64)
	b.Write(dos)
	b.WriteString("PE\x00\x00")
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	le(uint16(0x8664)) // AMD64
	le(uint16(1))      // one section
	le(uint32(0))      // time stamp
	le(uint32(0))      // no symbol table
	le(uint32(0))
	le(uint16(240)) // PE32+ optional header with 16 data directories
	le(uint16(0x22))
	opt := make([]byte, 240)
	binary.LittleEndian.PutUint16(opt, 0x20b)
	binary.LittleEndian.PutUint32(opt[108:], 16)
	b.Write(opt)
	sec := make([]byte, 40)
	copy(sec, name)
	raw := uint32(0x200)
	binary.LittleEndian.PutUint32(sec[8:], uint32(len(section)))
	binary.LittleEndian.PutUint32(sec[12:], rsrcRVA)
	binary.LittleEndian.PutUint32(sec[16:], uint32(len(section)))
	binary.LittleEndian.PutUint32(sec[20:], raw)
	b.Write(sec)
	b.Write(make([]byte, int(raw)-b.Len()))
	b.Write(section)
	return b.Bytes()
}

func u16s(s string) []byte {
	var b bytes.Buffer
	for _, c := range utf16.Encode([]rune(s)) {
		binary.Write(&b, binary.LittleEndian, c)
	}
	return b.Bytes()
}

// vblock builds one version block as windres writes it.
func vblock(key string, value []byte, text bool, children ...[]byte) []byte {
	var b bytes.Buffer
	b.Write(make([]byte, 6))
	b.Write(u16s(key))
	b.Write([]byte{0, 0})
	for b.Len()%4 != 0 {
		b.WriteByte(0)
	}
	b.Write(value)
	for _, c := range children {
		for b.Len()%4 != 0 {
			b.WriteByte(0)
		}
		b.Write(c)
	}
	out := b.Bytes()
	vlen := len(value)
	typ := uint16(0)
	if text {
		vlen, typ = len(value)/2, 1
	}
	binary.LittleEndian.PutUint16(out, uint16(len(out)))
	binary.LittleEndian.PutUint16(out[2:], uint16(vlen))
	binary.LittleEndian.PutUint16(out[4:], typ)
	return out
}

func vstring(k, v string) []byte { return vblock(k, append(u16s(v), 0, 0), true) }

func versionInfo(strs map[string]string, fixed [4]uint16) []byte {
	ffi := make([]byte, 52)
	binary.LittleEndian.PutUint32(ffi, 0xFEEF04BD)
	binary.LittleEndian.PutUint32(ffi[8:], uint32(fixed[0])<<16|uint32(fixed[1]))
	binary.LittleEndian.PutUint32(ffi[12:], uint32(fixed[2])<<16|uint32(fixed[3]))
	var list [][]byte
	for _, k := range []string{"CompanyName", "FileDescription", "FileVersion", "InternalName", "LegalCopyright", "OriginalFilename", "ProductName", "ProductVersion"} {
		if v, ok := strs[k]; ok {
			list = append(list, vstring(k, v))
		}
	}
	table := vblock("040904b0", nil, true, list...)
	return vblock("VS_VERSION_INFO", ffi, false,
		vblock("StringFileInfo", nil, true, table),
		vblock("VarFileInfo", nil, true, vblock("Translation", []byte{9, 4, 0xb0, 4}, false)))
}

func groupIcon(n int) []byte {
	b := make([]byte, 6+14*n)
	binary.LittleEndian.PutUint16(b[2:], 1)
	binary.LittleEndian.PutUint16(b[4:], uint16(n))
	return b
}

const manifest = `<assembly><assemblyIdentity type="win32" name="net.trustedapptester.check" version="1.2.3.0"/>` +
	`<requestedExecutionLevel level="asInvoker" uiAccess="false"/><supportedOS Id="{8e0f7a12-bfb3-4fe8-b9a5-48fd50a15a9a}"/>` +
	`<activeCodePage xmlns="http://schemas.microsoft.com/SMI/2019/WindowsSettings">UTF-8</activeCodePage></assembly>`

var want = Want{Name: "trustedapp-check", Version: "1.2.3", Description: "Trusted App Tester command-line checks", Identity: "net.trustedapptester.check"}

func goodStrings() map[string]string {
	return map[string]string{
		"CompanyName": "Trusted App Tester", "FileDescription": want.Description, "FileVersion": "1.2.3",
		"InternalName": "trustedapp-check", "LegalCopyright": "Copyright (c) 2026 the Trusted App Tester authors",
		"OriginalFilename": "trustedapp-check.exe", "ProductName": "Trusted App Tester", "ProductVersion": "1.2.3",
	}
}

func goodResources(strs map[string]string) []res {
	return []res{
		{rtIcon, []byte("icon image 1")}, {rtIcon, []byte("icon image 2")},
		{rtGroupIcon, groupIcon(2)},
		{rtVersion, versionInfo(strs, [4]uint16{1, 2, 3, 0})},
		{rtManifest, []byte(manifest)},
	}
}

// readBytes is Read for a byte slice.
func readBytes(b []byte) (*Resources, error) { return Read(bytes.NewReader(b)) }

func TestReadsIconsVersionAndManifest(t *testing.T) {
	r, err := readBytes(peFile(".rsrc", rsrcSection(goodResources(goodStrings()))))
	if err != nil {
		t.Fatal(err)
	}
	if r.Icons != 2 || r.IconGroups != 2 || r.FixedFile != "1.2.3.0" || r.Manifest != manifest {
		t.Fatalf("read %+v", r)
	}
	if len(r.Version) != 8 || r.Version["OriginalFilename"] != "trustedapp-check.exe" || r.Version["Translation"] != "" {
		t.Fatalf("version strings %q", r.Version)
	}
	if bad := Check(r, want); len(bad) != 0 {
		t.Fatalf("a complete set of resources fails the check: %q", bad)
	}
}

func TestCheckNamesWhatIsMissing(t *testing.T) {
	strs := goodStrings()
	strs["OriginalFilename"] = "trustedapp-tester.exe" // the app's resources linked into the CLI
	delete(strs, "ProductVersion")
	rs := goodResources(strs)
	rs = rs[2:] // no icon images
	rs[len(rs)-1].data = []byte(strings.Replace(manifest, "asInvoker", "requireAdministrator", 1))
	r, err := readBytes(peFile(".rsrc", rsrcSection(rs)))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(Check(r, want), "\n")
	for _, w := range []string{"no icon", `OriginalFilename is "trustedapp-tester.exe"`, `ProductVersion is ""`, `lacks level="asInvoker"`} {
		if !strings.Contains(got, w) {
			t.Errorf("the check does not say %q:\n%s", w, got)
		}
	}
	r.FixedFile = "1.2.4.0"
	if got := strings.Join(Check(r, want), "\n"); !strings.Contains(got, `fixed file version is "1.2.4.0", want "1.2.3.0"`) {
		t.Errorf("a wrong fixed version passes:\n%s", got)
	}
}

func TestRefusesDamagedFiles(t *testing.T) {
	good := rsrcSection(goodResources(goodStrings()))
	outside := append([]byte(nil), good...)
	// The first data entry's RVA pointed past the section.
	n := uint32(5)
	binary.LittleEndian.PutUint32(outside[16+8*n+48*n:], rsrcRVA+0xfffff)
	badVersion := rsrcSection([]res{{rtVersion, vblock("NOT_VERSION", nil, false)}})
	for name, file := range map[string][]byte{
		"not a PE":           []byte("#!/bin/sh\necho hello\n"),
		"no .rsrc":           peFile(".text", good),
		"data outside":       peFile(".rsrc", outside),
		"truncated":          peFile(".rsrc", good[:20]),
		"wrong version root": peFile(".rsrc", badVersion),
		"short icon group":   peFile(".rsrc", rsrcSection([]res{{rtGroupIcon, []byte{0, 0}}})),
	} {
		r, err := readBytes(file)
		t.Logf("%s: %v", name, err)
		if err == nil {
			t.Errorf("%s: read without an error: %+v", name, r)
		}
	}
}

func TestCommandLine(t *testing.T) {
	dir := testdir.New(t)
	good, bad := dir+"/good.exe", dir+"/bad.exe"
	if err := os.WriteFile(good, peFile(".rsrc", rsrcSection(goodResources(goodStrings()))), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, peFile(".text", []byte("code")), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-name", want.Name, "-version", want.Version, "-description", want.Description, "-identity", want.Identity}
	var out, errb bytes.Buffer
	if code := run(append(args, good), &out, &errb); code != 0 || !strings.Contains(out.String(), "OriginalFilename: trustedapp-check.exe") {
		t.Fatalf("exit %d, out %q, err %q", code, out.String(), errb.String())
	}
	errb.Reset()
	if code := run(append(args, bad), &out, &errb); code != 1 || !strings.Contains(errb.String(), "no .rsrc section") {
		t.Fatalf("a file without resources: exit %d, %q", code, errb.String())
	}
	if code := run([]string{good}, &out, &errb); code != 2 {
		t.Fatalf("no flags: exit %d", code)
	}
	if code := run(append(args, dir+"/absent.exe"), &out, &errb); code != 1 {
		t.Fatalf("a missing file: exit %d", code)
	}
}
