package main

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

type tagValue struct {
	tag, typ uint32
	strs     []string
	ints     []uint32
}

// buildHeader writes an rpm header structure with the given entries.
func buildHeader(tags []tagValue) []byte {
	var idx, data bytes.Buffer
	for _, t := range tags {
		if t.typ == typeInt32 {
			for data.Len()%4 != 0 {
				data.WriteByte(0)
			}
		}
		off := data.Len()
		count := len(t.strs)
		if t.typ == typeInt32 {
			count = len(t.ints)
			for _, v := range t.ints {
				_ = binary.Write(&data, binary.BigEndian, v)
			}
		} else {
			for _, s := range t.strs {
				data.WriteString(s)
				data.WriteByte(0)
			}
		}
		for _, v := range []uint32{t.tag, t.typ, uint32(off), uint32(count)} {
			_ = binary.Write(&idx, binary.BigEndian, v)
		}
	}
	var h bytes.Buffer
	h.Write([]byte{0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0})
	_ = binary.Write(&h, binary.BigEndian, uint32(len(tags)))
	_ = binary.Write(&h, binary.BigEndian, uint32(data.Len()))
	h.Write(idx.Bytes())
	h.Write(data.Bytes())
	return h.Bytes()
}

func buildRPM(tags []tagValue) []byte {
	lead := make([]byte, 96)
	copy(lead, []byte{0xed, 0xab, 0xee, 0xdb, 3, 0})
	sig := buildHeader([]tagValue{{tag: 1000, typ: typeInt32, ints: []uint32{1234}}, {tag: 269, typ: typeString, strs: []string{"abc"}}})
	out := append(lead, sig...)
	for len(out)%8 != 0 {
		out = append(out, 0)
	}
	return append(out, buildHeader(tags)...)
}

func sample() []tagValue {
	return []tagValue{
		{tag: tagName, typ: typeString, strs: []string{"trusted-app-tester"}},
		{tag: tagVersion, typ: typeString, strs: []string{"0.1.0"}},
		{tag: tagRelease, typ: typeString, strs: []string{"1"}},
		{tag: tagArch, typ: typeString, strs: []string{"x86_64"}},
		{tag: tagDirNames, typ: typeStringArray, strs: []string{"/usr/bin/", "/usr/share/doc/x/"}},
		{tag: tagBaseNames, typ: typeStringArray, strs: []string{"trustedapp-tester", "trustedapp-check", "copyright"}},
		{tag: tagDirIndexes, typ: typeInt32, ints: []uint32{0, 0, 1}},
		{tag: tagRequireName, typ: typeStringArray, strs: []string{"libGL.so.1()(64bit)"}},
		{tag: tagChangelogText, typ: typeStringArray, strs: []string{"- First release\n- More"}},
	}
}

func TestDescribeReadsNameVersionFilesAndRequires(t *testing.T) {
	lines, err := describe(bytes.NewReader(buildRPM(sample())))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(lines, "\n")
	want := strings.Join([]string{
		"name: trusted-app-tester", "version: 0.1.0", "release: 1", "arch: x86_64",
		"file: /usr/bin/trustedapp-tester", "file: /usr/bin/trustedapp-check", "file: /usr/share/doc/x/copyright",
		"requires: libGL.so.1()(64bit)", "changelog: - First release - More",
	}, "\n")
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestDamagedPackagesAreRefused(t *testing.T) {
	good := buildRPM(sample())
	badIndex := sample()
	badIndex[6].ints = []uint32{0, 0, 7}
	short := sample()[1:] // no name
	huge := append([]byte(nil), good...)
	// The main header claims 2^31 bytes of data.
	sigEnd := 96 + len(buildHeader([]tagValue{{tag: 1000, typ: typeInt32, ints: []uint32{1234}}, {tag: 269, typ: typeString, strs: []string{"abc"}}}))
	sigEnd += (8 - sigEnd%8) % 8
	binary.BigEndian.PutUint32(huge[sigEnd+12:], 1<<31)
	for name, c := range map[string]struct {
		in   []byte
		want string
	}{
		"empty":           {nil, "not an rpm"},
		"a deb":           {append([]byte("!<arch>\n"), make([]byte, 100)...), "no lead magic"},
		"truncated":       {good[:len(good)-5], "truncated data"},
		"cut in index":    {good[:sigEnd+20], "truncated index"},
		"bad dir index":   {buildRPM(badIndex), "points at directory 7"},
		"no name":         {buildRPM(short), "has no name"},
		"huge header":     {huge, "too large"},
		"no header magic": {append(good[:96:96], make([]byte, 64)...), "no header magic"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := describe(bytes.NewReader(c.in))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want an error with %q, got %v", c.want, err)
			}
		})
	}
}
