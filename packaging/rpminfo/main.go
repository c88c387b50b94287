// Command rpminfo prints what an .rpm package says about itself, from its header,
// without the rpm tool (which Debian machines rarely have): name, version, release,
// arch, every file, requires, recommends and the changelog, one per line.
//
//	go run ./packaging/rpminfo PACKAGE.rpm
//
// scripts/check-linux-packages.sh uses it to check the .rpm that nfpm builds.
package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
)

// Header tags (rpm's rpmtag.h).
const (
	tagName          = 1000
	tagVersion       = 1001
	tagRelease       = 1002
	tagArch          = 1022
	tagOldFileNames  = 1027
	tagRequireName   = 1049
	tagChangelogText = 1082
	tagDirIndexes    = 1116
	tagBaseNames     = 1117
	tagDirNames      = 1118
	tagRecommendName = 5046
)

// Entry types.
const (
	typeInt32       = 4
	typeString      = 6
	typeStringArray = 8
	typeI18NString  = 9
)

// maxHeader bounds what a header may claim, so a damaged file cannot make us
// allocate gigabytes.
const maxHeader = 64 << 20

type entry struct {
	tag, typ, offset, count uint32
}

// header is one parsed rpm header: its index and its data store.
type header struct {
	entries map[uint32]entry
	data    []byte
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: rpminfo PACKAGE.rpm")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "rpminfo:", err)
		os.Exit(1)
	}
	defer f.Close()
	lines, err := describe(bufio.NewReader(f))
	if err != nil {
		fmt.Fprintf(os.Stderr, "rpminfo: %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
	fmt.Print(strings.Join(lines, "\n") + "\n")
}

// describe reads the lead, skips the signature header and renders the main header.
func describe(r io.Reader) ([]string, error) {
	lead := make([]byte, 96)
	if _, err := io.ReadFull(r, lead); err != nil {
		return nil, fmt.Errorf("not an rpm: %w", err)
	}
	if !bytes.Equal(lead[:4], []byte{0xed, 0xab, 0xee, 0xdb}) {
		return nil, errors.New("not an rpm (no lead magic)")
	}
	sig, n, err := readHeader(r)
	if err != nil {
		return nil, fmt.Errorf("signature header: %w", err)
	}
	_ = sig
	if pad := (8 - n%8) % 8; pad > 0 { // the signature is padded to 8 bytes
		if _, err := io.CopyN(io.Discard, r, int64(pad)); err != nil {
			return nil, fmt.Errorf("signature padding: %w", err)
		}
	}
	h, _, err := readHeader(r)
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	var out []string
	for _, f := range []struct {
		label string
		tag   uint32
	}{{"name", tagName}, {"version", tagVersion}, {"release", tagRelease}, {"arch", tagArch}} {
		v, err := h.strings(f.tag)
		if err != nil {
			return nil, err
		}
		if len(v) != 1 {
			return nil, fmt.Errorf("the header has no %s", f.label)
		}
		out = append(out, f.label+": "+v[0])
	}
	files, err := h.files()
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		out = append(out, "file: "+f)
	}
	for _, f := range []struct {
		label string
		tag   uint32
	}{{"requires", tagRequireName}, {"recommends", tagRecommendName}, {"changelog", tagChangelogText}} {
		v, err := h.strings(f.tag)
		if err != nil {
			return nil, err
		}
		for _, s := range v {
			out = append(out, f.label+": "+strings.ReplaceAll(s, "\n", " "))
		}
	}
	return out, nil
}

// readHeader reads one header structure and returns it and its size in bytes.
func readHeader(r io.Reader) (*header, int, error) {
	pre := make([]byte, 16)
	if _, err := io.ReadFull(r, pre); err != nil {
		return nil, 0, fmt.Errorf("truncated: %w", err)
	}
	if !bytes.Equal(pre[:3], []byte{0x8e, 0xad, 0xe8}) {
		return nil, 0, errors.New("no header magic")
	}
	nindex := binary.BigEndian.Uint32(pre[8:12])
	hsize := binary.BigEndian.Uint32(pre[12:16])
	if uint64(nindex)*16+uint64(hsize) > maxHeader {
		return nil, 0, fmt.Errorf("claims %d entries and %d bytes of data: too large", nindex, hsize)
	}
	idx := make([]byte, int(nindex)*16)
	if _, err := io.ReadFull(r, idx); err != nil {
		return nil, 0, fmt.Errorf("truncated index: %w", err)
	}
	data := make([]byte, hsize)
	if _, err := io.ReadFull(r, data); err != nil {
		return nil, 0, fmt.Errorf("truncated data: %w", err)
	}
	h := &header{entries: map[uint32]entry{}, data: data}
	for i := 0; i < int(nindex); i++ {
		b := idx[i*16:]
		e := entry{binary.BigEndian.Uint32(b), binary.BigEndian.Uint32(b[4:]), binary.BigEndian.Uint32(b[8:]), binary.BigEndian.Uint32(b[12:])}
		if e.offset > hsize {
			return nil, 0, fmt.Errorf("tag %d points past the data (%d > %d)", e.tag, e.offset, hsize)
		}
		h.entries[e.tag] = e
	}
	return h, 16 + len(idx) + len(data), nil
}

// strings returns a string or string-array tag's values (none when absent).
func (h *header) strings(tag uint32) ([]string, error) {
	e, ok := h.entries[tag]
	if !ok {
		return nil, nil
	}
	switch e.typ {
	case typeString, typeStringArray, typeI18NString:
	default:
		return nil, fmt.Errorf("tag %d has type %d, not a string", tag, e.typ)
	}
	count := e.count
	if e.typ == typeString {
		count = 1
	}
	var out []string
	b := h.data[e.offset:]
	for i := uint32(0); i < count; i++ {
		end := bytes.IndexByte(b, 0)
		if end < 0 {
			return nil, fmt.Errorf("tag %d: string %d is not terminated", tag, i)
		}
		out = append(out, string(b[:end]))
		b = b[end+1:]
	}
	return out, nil
}

func (h *header) int32s(tag uint32) ([]uint32, error) {
	e, ok := h.entries[tag]
	if !ok {
		return nil, nil
	}
	if e.typ != typeInt32 {
		return nil, fmt.Errorf("tag %d has type %d, not int32", tag, e.typ)
	}
	if uint64(e.offset)+uint64(e.count)*4 > uint64(len(h.data)) {
		return nil, fmt.Errorf("tag %d runs past the data", tag)
	}
	out := make([]uint32, e.count)
	for i := range out {
		out[i] = binary.BigEndian.Uint32(h.data[int(e.offset)+4*i:])
	}
	return out, nil
}

// files joins DIRNAMES[DIRINDEXES[i]] + BASENAMES[i] (or the old flat list).
func (h *header) files() ([]string, error) {
	if old, err := h.strings(tagOldFileNames); err != nil || len(old) > 0 {
		return old, err
	}
	base, err := h.strings(tagBaseNames)
	if err != nil {
		return nil, err
	}
	dirs, err := h.strings(tagDirNames)
	if err != nil {
		return nil, err
	}
	idx, err := h.int32s(tagDirIndexes)
	if err != nil {
		return nil, err
	}
	if len(idx) != len(base) {
		return nil, fmt.Errorf("%d file names but %d directory indexes", len(base), len(idx))
	}
	out := make([]string, len(base))
	for i, b := range base {
		if int(idx[i]) >= len(dirs) {
			return nil, fmt.Errorf("file %q points at directory %d of %d", b, idx[i], len(dirs))
		}
		out[i] = path.Join(dirs[idx[i]], b)
	}
	return out, nil
}
