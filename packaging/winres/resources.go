package main

import (
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
)

// Resource types (winuser.h).
const (
	rtIcon      = 3
	rtGroupIcon = 14
	rtVersion   = 16
	rtManifest  = 24
)

// Resources is what a Windows executable carries in its .rsrc section, as far as
// the release checks need it.
type Resources struct {
	Icons      int               // RT_ICON images
	IconGroups int               // RT_GROUP_ICON entries (what Explorer shows)
	Manifest   string            // the RT_MANIFEST XML
	Version    map[string]string // the version resource's StringFileInfo values
	FixedFile  string            // FileVersion from VS_FIXEDFILEINFO, "a.b.c.d"
}

// maxRsrc bounds the section we read, so a damaged file cannot make us allocate
// gigabytes; the app's resources (icon sizes 16 to 256 px) take about 120 KB.
const maxRsrc = 16 << 20

// Read reads the resources of the PE file in r.
func Read(r io.ReaderAt) (*Resources, error) {
	f, err := pe.NewFile(r)
	if err != nil {
		return nil, fmt.Errorf("not a Windows executable: %w", err)
	}
	defer f.Close()
	sec := f.Section(".rsrc")
	if sec == nil {
		return nil, errors.New("it has no resources (no .rsrc section): it was built without its .syso")
	}
	if sec.Size > maxRsrc {
		return nil, fmt.Errorf("its .rsrc section claims %d bytes", sec.Size)
	}
	data, err := sec.Data()
	if err != nil {
		return nil, fmt.Errorf("reading .rsrc: %w", err)
	}
	t := tree{data: data, base: sec.VirtualAddress}
	res := &Resources{Version: map[string]string{}}
	leaves, err := t.leaves()
	if err != nil {
		return nil, err
	}
	for _, l := range leaves {
		switch l.typ {
		case rtIcon:
			res.Icons++
		case rtGroupIcon:
			if len(l.data) < 6 {
				return nil, errors.New("an icon group is shorter than its header")
			}
			res.IconGroups += int(binary.LittleEndian.Uint16(l.data[4:]))
		case rtManifest:
			res.Manifest = string(l.data)
		case rtVersion:
			if err := parseVersion(l.data, res); err != nil {
				return nil, fmt.Errorf("the version resource: %w", err)
			}
		}
	}
	return res, nil
}

type leaf struct {
	typ  uint32
	data []byte
}

// tree walks the three levels of a resource directory: type, name, language.
type tree struct {
	data []byte
	base uint32 // the section's RVA
}

func (t tree) u16(off uint32) (uint16, error) {
	if uint64(off)+2 > uint64(len(t.data)) {
		return 0, fmt.Errorf("offset %d is outside .rsrc", off)
	}
	return binary.LittleEndian.Uint16(t.data[off:]), nil
}

func (t tree) u32(off uint32) (uint32, error) {
	if uint64(off)+4 > uint64(len(t.data)) {
		return 0, fmt.Errorf("offset %d is outside .rsrc", off)
	}
	return binary.LittleEndian.Uint32(t.data[off:]), nil
}

// entries returns the (id, offset) pairs of the directory at off.
func (t tree) entries(off uint32) ([][2]uint32, error) {
	named, err := t.u16(off + 12)
	if err != nil {
		return nil, err
	}
	ids, err := t.u16(off + 14)
	if err != nil {
		return nil, err
	}
	var out [][2]uint32
	for i := uint32(0); i < uint32(named)+uint32(ids); i++ {
		id, err := t.u32(off + 16 + 8*i)
		if err != nil {
			return nil, err
		}
		to, err := t.u32(off + 20 + 8*i)
		if err != nil {
			return nil, err
		}
		out = append(out, [2]uint32{id, to})
	}
	return out, nil
}

const subdir = 0x80000000

func (t tree) leaves() ([]leaf, error) {
	var out []leaf
	types, err := t.entries(0)
	if err != nil {
		return nil, err
	}
	for _, ty := range types {
		if ty[1]&subdir == 0 {
			return nil, errors.New("a resource type is not a directory")
		}
		names, err := t.entries(ty[1] &^ subdir)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			if n[1]&subdir == 0 {
				return nil, errors.New("a resource name is not a directory")
			}
			langs, err := t.entries(n[1] &^ subdir)
			if err != nil {
				return nil, err
			}
			for _, l := range langs {
				if l[1]&subdir != 0 {
					return nil, errors.New("a resource goes deeper than three levels")
				}
				rva, err := t.u32(l[1])
				if err != nil {
					return nil, err
				}
				size, err := t.u32(l[1] + 4)
				if err != nil {
					return nil, err
				}
				if rva < t.base || uint64(rva-t.base)+uint64(size) > uint64(len(t.data)) {
					return nil, fmt.Errorf("resource data at RVA %#x (%d bytes) is outside .rsrc", rva, size)
				}
				out = append(out, leaf{typ: ty[0], data: t.data[rva-t.base : rva-t.base+size]})
			}
		}
	}
	return out, nil
}

// parseVersion reads a VS_VERSIONINFO block: its VS_FIXEDFILEINFO and the strings
// under StringFileInfo.
func parseVersion(b []byte, res *Resources) error {
	key, value, children, err := block(b)
	if err != nil {
		return err
	}
	if key != "VS_VERSION_INFO" {
		return fmt.Errorf("it starts with %q, not VS_VERSION_INFO", key)
	}
	if len(value) >= 52 && binary.LittleEndian.Uint32(value) == 0xFEEF04BD {
		ms, ls := binary.LittleEndian.Uint32(value[8:]), binary.LittleEndian.Uint32(value[12:])
		res.FixedFile = fmt.Sprintf("%d.%d.%d.%d", ms>>16, ms&0xffff, ls>>16, ls&0xffff)
	}
	return eachBlock(children, func(k string, _ []byte, tables []byte) error {
		if k != "StringFileInfo" {
			return nil // VarFileInfo: the translation table
		}
		return eachBlock(tables, func(_ string, _ []byte, strs []byte) error {
			return eachBlock(strs, func(name string, v []byte, _ []byte) error {
				res.Version[name] = utf16String(v)
				return nil
			})
		})
	})
}

// eachBlock calls fn for each block laid end to end in b.
func eachBlock(b []byte, fn func(key string, value, children []byte) error) error {
	for len(b) >= 6 {
		n := int(binary.LittleEndian.Uint16(b))
		if n == 0 || n > len(b) {
			return errors.New("a block has a bad length")
		}
		k, v, c, err := block(b[:n])
		if err != nil {
			return err
		}
		if err := fn(k, v, c); err != nil {
			return err
		}
		if align4(n) >= len(b) {
			break
		}
		b = b[align4(n):]
	}
	return nil
}

// block splits one version block: WORD length, WORD value length, WORD type, the
// key (UTF-16, NUL-terminated), padding to 32 bits, the value, padding, children.
func block(b []byte) (key string, value, children []byte, err error) {
	if len(b) < 6 {
		return "", nil, nil, errors.New("a block is shorter than its header")
	}
	length := int(binary.LittleEndian.Uint16(b))
	vlen := int(binary.LittleEndian.Uint16(b[2:]))
	text := binary.LittleEndian.Uint16(b[4:]) == 1
	if length > len(b) || length < 6 {
		return "", nil, nil, errors.New("a block's length is out of range")
	}
	b = b[:length]
	i := 6
	for ; i+1 < len(b); i += 2 {
		if b[i] == 0 && b[i+1] == 0 {
			break
		}
	}
	if i+1 >= len(b) {
		return "", nil, nil, errors.New("a block's key is not terminated")
	}
	key = utf16String(b[6:i])
	i = align4(i + 2)
	if text {
		vlen *= 2
	}
	if i+vlen > len(b) {
		return "", nil, nil, errors.New("a block's value runs past its end")
	}
	value = b[i : i+vlen]
	if c := align4(i + vlen); c < len(b) {
		children = b[c:]
	}
	return key, value, children, nil
}

func align4(n int) int { return (n + 3) &^ 3 }

// utf16String decodes little-endian UTF-16 up to the first NUL.
func utf16String(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}

// Want is what one executable must carry.
type Want struct {
	Name, Version, Description, Identity string
}

// Check says, in one line per problem, where r falls short of w.
func Check(r *Resources, w Want) []string {
	var bad []string
	if r.Icons == 0 || r.IconGroups == 0 {
		bad = append(bad, fmt.Sprintf("no icon (%d images, %d in groups)", r.Icons, r.IconGroups))
	}
	for k, v := range map[string]string{
		"FileVersion": w.Version, "ProductVersion": w.Version, "ProductName": "Trusted App Tester",
		"FileDescription": w.Description, "InternalName": w.Name, "OriginalFilename": w.Name + ".exe",
		"CompanyName": "Trusted App Tester",
	} {
		if got := r.Version[k]; got != v {
			bad = append(bad, fmt.Sprintf("version resource %s is %q, want %q", k, got, v))
		}
	}
	if !strings.HasPrefix(r.Version["LegalCopyright"], "Copyright (c) ") {
		bad = append(bad, fmt.Sprintf("version resource LegalCopyright is %q", r.Version["LegalCopyright"]))
	}
	core, _, _ := strings.Cut(strings.SplitN(w.Version, "+", 2)[0], "-")
	for strings.Count(core, ".") < 3 {
		core += ".0"
	}
	if r.FixedFile != core {
		bad = append(bad, fmt.Sprintf("the fixed file version is %q, want %q", r.FixedFile, core))
	}
	for _, s := range []string{`level="asInvoker"`, `name="` + w.Identity + `"`, `<activeCodePage`, `{8e0f7a12-bfb3-4fe8-b9a5-48fd50a15a9a}`} {
		if !strings.Contains(r.Manifest, s) {
			bad = append(bad, fmt.Sprintf("the manifest lacks %s", s))
		}
	}
	return bad
}
