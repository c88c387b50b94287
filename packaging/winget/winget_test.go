package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"trustedapp-tester/internal/testdir"
)

const (
	userPC, userUC       = "{22B8B6AE-032C-459E-B61F-59DE28876A8F}", "{CDA72191-5120-4D28-AF7B-A6C7E697F29A}"
	machinePC, machineUC = "{AC8514CF-12F1-4317-BB3C-CD65B8810E7C}", "{3D58A3D5-9E78-4056-B248-94817205A206}"
)

// twoMSIs writes two stand-in installers and returns the inputs for them.
func twoMSIs(t *testing.T) Inputs {
	t.Helper()
	dir := testdir.New(t)
	u, m := filepath.Join(dir, "trusted-app-tester-1.2.3-windows-amd64.msi"), filepath.Join(dir, "trusted-app-tester-1.2.3-windows-amd64-machine.msi")
	if err := os.WriteFile(u, []byte("per-user installer"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(m, []byte("per-machine installer"), 0o644); err != nil {
		t.Fatal(err)
	}
	return Inputs{Version: "1.2.3", URLBase: "https://example.test/releases/download/v1.2.3", MSIs: []MSI{
		{Path: u, Scope: "user", ProductCode: userPC, UpgradeCode: userUC},
		{Path: m, Scope: "machine", ProductCode: machinePC, UpgradeCode: machineUC},
	}}
}

func TestGeneratedManifestIsValid(t *testing.T) {
	files, err := Generate(twoMSIs(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(files); err != nil {
		t.Fatalf("the generated manifest does not validate: %v", err)
	}
	_, _, iName := FileNames()
	inst := string(files[iName])
	for _, want := range []string{
		"Scope: user", "Scope: machine", "InstallerType: msi", "ManifestVersion: 1.10.0",
		"InstallerUrl: https://example.test/releases/download/v1.2.3/trusted-app-tester-1.2.3-windows-amd64-machine.msi",
		"UpgradeCode: '" + machineUC + "'", "ElevationRequirement: elevationRequired",
	} {
		if !strings.Contains(inst, want) {
			t.Errorf("the installer manifest lacks %q:\n%s", want, inst)
		}
	}
	sum, err := sha256File(twoMSIs(t).MSIs[0].Path)
	if err != nil || !strings.Contains(inst, "InstallerSha256: "+sum) || len(sum) != 64 {
		t.Errorf("the per-user installer's hash %q (%v) is not in the manifest", sum, err)
	}
}

// mutate returns a copy of files with one manifest's text changed.
func mutate(files map[string][]byte, name, old, new string) map[string][]byte {
	out := map[string][]byte{}
	for k, v := range files {
		out[k] = v
	}
	out[name] = bytes.Replace(files[name], []byte(old), []byte(new), 1)
	return out
}

func TestValidationRefusesBrokenManifests(t *testing.T) {
	files, err := Generate(twoMSIs(t))
	if err != nil {
		t.Fatal(err)
	}
	vName, lName, iName := FileNames()
	sumLine := func() string {
		for _, l := range strings.Split(string(files[iName]), "\n") {
			if strings.Contains(l, "InstallerSha256") {
				return l + "\n"
			}
		}
		t.Fatal("no hash line")
		return ""
	}()
	cases := map[string]struct {
		files map[string][]byte
		want  string
	}{
		"missing required field": {mutate(files, lName, "ShortDescription: Tests ERP.net Trusted Applications (OAuth2 client credentials)\n", ""), "ShortDescription"},
		"missing installer hash": {mutate(files, iName, sumLine, ""), "InstallerSha256"},
		"hash not hex":           {mutate(files, iName, "InstallerSha256: ", "InstallerSha256: Z"), "InstallerSha256"},
		"unknown scope":          {mutate(files, iName, "Scope: machine", "Scope: everyone"), "Scope"},
		"http installer URL":     {mutate(files, iName, "InstallerUrl: https://", "InstallerUrl: ftp://"), "InstallerUrl"},
		"version mismatch":       {mutate(files, vName, "PackageVersion: 1.2.3", "PackageVersion: 1.2.4"), "different packages or versions"},
		"unknown type":           {mutate(files, lName, "ManifestType: defaultLocale", "ManifestType: locale"), "is not version, defaultLocale or installer"},
		"not YAML":               {mutate(files, vName, "PackageIdentifier:", "PackageIdentifier: [\n"), "not YAML"},
	}
	twice := mutate(files, vName, "", "")
	twice["extra.yaml"] = files[vName]
	cases["two version files"] = struct {
		files map[string][]byte
		want  string
	}{twice, "both version manifests"}
	missing := map[string][]byte{vName: files[vName], lName: files[lName]}
	cases["no installer file"] = struct {
		files map[string][]byte
		want  string
	}{missing, "has no installer file"}
	for name, c := range cases {
		err := Validate(c.files)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: want an error naming %q, got %v", name, c.want, err)
		}
	}
}

func TestGenerateRefusesBadInputs(t *testing.T) {
	in := twoMSIs(t)
	bad := []Inputs{
		{Version: "", URLBase: in.URLBase, MSIs: in.MSIs},
		{Version: "1.2.3", URLBase: "http://insecure.test", MSIs: in.MSIs},
		{Version: "1.2.3", URLBase: in.URLBase},
		{Version: "1.2.3", URLBase: in.URLBase, MSIs: []MSI{in.MSIs[0], in.MSIs[0]}},
		{Version: "1.2.3", URLBase: in.URLBase, MSIs: []MSI{{Path: in.MSIs[0].Path, Scope: "all"}}},
		{Version: "1.2.3", URLBase: in.URLBase, MSIs: []MSI{{Path: in.MSIs[0].Path + ".absent", Scope: "user"}}},
	}
	for i, b := range bad {
		if _, err := Generate(b); err == nil {
			t.Errorf("case %d: generated a manifest from %+v", i, b)
		}
	}
}

func TestCommandWritesAndChecks(t *testing.T) {
	in := twoMSIs(t)
	out := filepath.Join(testdir.New(t), "winget")
	args := []string{"-version", in.Version, "-url-base", in.URLBase, "-out", out,
		"-msi", "user=" + in.MSIs[0].Path + "," + userPC + "," + userUC,
		"-msi", "machine=" + in.MSIs[1].Path + "," + machinePC + "," + machineUC}
	var so, se bytes.Buffer
	if code := run(args, &so, &se); code != 0 {
		t.Fatalf("exit %d: %s", code, se.String())
	}
	if code := run([]string{"-check", out}, &so, &se); code != 0 || !strings.Contains(so.String(), "3 files valid") {
		t.Fatalf("check: exit %d: %s %s", code, so.String(), se.String())
	}
	// A manifest someone edited by hand and broke fails the check.
	_, lName, _ := FileNames()
	p := filepath.Join(out, lName)
	b, _ := os.ReadFile(p)
	if err := os.WriteFile(p, bytes.Replace(b, []byte("License: Proprietary\n"), nil, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	se.Reset()
	if code := run([]string{"-check", out}, &so, &se); code != 1 || !strings.Contains(se.String(), "License") {
		t.Fatalf("a manifest without License: exit %d: %s", code, se.String())
	}
	if code := run(append(args[:len(args)-4:len(args)-4], "-msi", "user=x.msi"), &so, &se); code != 2 {
		t.Fatalf("a malformed -msi: exit %d", code)
	}
	if code := run([]string{"-version", "1"}, &so, &se); code != 2 {
		t.Fatalf("no -out: exit %d", code)
	}
	if code := run([]string{"-check", filepath.Join(out, "absent")}, &so, &se); code != 1 {
		t.Fatalf("a missing folder: exit %d", code)
	}
}
