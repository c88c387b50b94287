package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ManifestVersion is the winget manifest schema the files follow (schemas/v1.10.0).
const ManifestVersion = "1.10.0"

// PackageIdentifier names the package in the winget repository (Publisher.Package).
const PackageIdentifier = "TrustedAppTester.TrustedAppTester"

// MSI is one of the two installers.
type MSI struct {
	Path        string // the built file, hashed for InstallerSha256
	Scope       string // user or machine
	ProductCode string // {GUID}, from the MSI's Property table
	UpgradeCode string // {GUID}, fixed per scope (packaging/windows/trustedapp-tester.wxs)
}

// Inputs is everything the manifest is made from.
type Inputs struct {
	Version string // FyneApp.toml's
	URLBase string // where the release serves the MSIs, without the trailing slash
	MSIs    []MSI
}

type versionManifest struct {
	PackageIdentifier string `yaml:"PackageIdentifier"`
	PackageVersion    string `yaml:"PackageVersion"`
	DefaultLocale     string `yaml:"DefaultLocale"`
	ManifestType      string `yaml:"ManifestType"`
	ManifestVersion   string `yaml:"ManifestVersion"`
}

type localeManifest struct {
	PackageIdentifier string   `yaml:"PackageIdentifier"`
	PackageVersion    string   `yaml:"PackageVersion"`
	PackageLocale     string   `yaml:"PackageLocale"`
	Publisher         string   `yaml:"Publisher"`
	PublisherURL      string   `yaml:"PublisherUrl"`
	PackageName       string   `yaml:"PackageName"`
	PackageURL        string   `yaml:"PackageUrl"`
	License           string   `yaml:"License"`
	ShortDescription  string   `yaml:"ShortDescription"`
	Description       string   `yaml:"Description"`
	Moniker           string   `yaml:"Moniker"`
	Tags              []string `yaml:"Tags"`
	ManifestType      string   `yaml:"ManifestType"`
	ManifestVersion   string   `yaml:"ManifestVersion"`
}

type arpEntry struct {
	DisplayName string `yaml:"DisplayName"`
	Publisher   string `yaml:"Publisher"`
	ProductCode string `yaml:"ProductCode"`
	UpgradeCode string `yaml:"UpgradeCode"`
}

type installer struct {
	Architecture           string     `yaml:"Architecture"`
	Scope                  string     `yaml:"Scope"`
	InstallerURL           string     `yaml:"InstallerUrl"`
	InstallerSha256        string     `yaml:"InstallerSha256"`
	ProductCode            string     `yaml:"ProductCode"`
	ElevationRequirement   string     `yaml:"ElevationRequirement,omitempty"`
	AppsAndFeaturesEntries []arpEntry `yaml:"AppsAndFeaturesEntries"`
}

type installerManifest struct {
	PackageIdentifier string      `yaml:"PackageIdentifier"`
	PackageVersion    string      `yaml:"PackageVersion"`
	Platform          []string    `yaml:"Platform"`
	MinimumOSVersion  string      `yaml:"MinimumOSVersion"`
	InstallerType     string      `yaml:"InstallerType"`
	InstallModes      []string    `yaml:"InstallModes"`
	UpgradeBehavior   string      `yaml:"UpgradeBehavior"`
	Commands          []string    `yaml:"Commands"`
	Installers        []installer `yaml:"Installers"`
	ManifestType      string      `yaml:"ManifestType"`
	ManifestVersion   string      `yaml:"ManifestVersion"`
}

// FileNames are the three files of a multi-file manifest, in the folder layout the
// winget-pkgs repository uses (manifests/t/TrustedAppTester/TrustedAppTester/VERSION/).
func FileNames() (version, locale, installer string) {
	return PackageIdentifier + ".yaml", PackageIdentifier + ".locale.en-US.yaml", PackageIdentifier + ".installer.yaml"
}

// Generate makes the three manifest files, keyed by file name.
func Generate(in Inputs) (map[string][]byte, error) {
	if in.Version == "" || !strings.HasPrefix(in.URLBase, "https://") {
		return nil, fmt.Errorf("want a version and an https:// URL base, got %q and %q", in.Version, in.URLBase)
	}
	if len(in.MSIs) == 0 {
		return nil, fmt.Errorf("no installer given")
	}
	im := installerManifest{
		PackageIdentifier: PackageIdentifier, PackageVersion: in.Version,
		Platform: []string{"Windows.Desktop"}, MinimumOSVersion: "10.0.0.0",
		InstallerType: "msi", InstallModes: []string{"interactive", "silent", "silentWithProgress"},
		UpgradeBehavior: "install", Commands: []string{"trustedapp-check"},
		ManifestType: "installer", ManifestVersion: ManifestVersion,
	}
	seen := map[string]bool{}
	for _, m := range in.MSIs {
		if m.Scope != "user" && m.Scope != "machine" {
			return nil, fmt.Errorf("%s: scope %q is neither user nor machine", m.Path, m.Scope)
		}
		if seen[m.Scope] {
			return nil, fmt.Errorf("two installers for the %s scope", m.Scope)
		}
		seen[m.Scope] = true
		sum, err := sha256File(m.Path)
		if err != nil {
			return nil, err
		}
		name := m.Path[strings.LastIndexAny(m.Path, `/\`)+1:]
		in := installer{
			Architecture: "x64", Scope: m.Scope, InstallerURL: in.URLBase + "/" + name,
			InstallerSha256: sum, ProductCode: m.ProductCode,
			AppsAndFeaturesEntries: []arpEntry{{DisplayName: "Trusted App Tester", Publisher: "Trusted App Tester",
				ProductCode: m.ProductCode, UpgradeCode: m.UpgradeCode}},
		}
		if m.Scope == "machine" {
			in.ElevationRequirement = "elevationRequired"
		}
		im.Installers = append(im.Installers, in)
	}
	vm := versionManifest{PackageIdentifier, in.Version, "en-US", "version", ManifestVersion}
	lm := localeManifest{
		PackageIdentifier: PackageIdentifier, PackageVersion: in.Version, PackageLocale: "en-US",
		Publisher: "Trusted App Tester", PublisherURL: "https://trustedapptester.net",
		PackageName: "Trusted App Tester", PackageURL: "https://trustedapptester.net",
		// The repository has no licence file; the Linux packages say LicenseRef-proprietary too.
		License:          "Proprietary",
		ShortDescription: "Tests ERP.net Trusted Applications (OAuth2 client credentials)",
		Description: "A desktop app and a command-line tool (trustedapp-check) that test ERP.net Trusted " +
			"Applications: the token, the System User, the scopes and the API calls, with a local " +
			"ERP.net emulator to try them without a server.",
		Moniker: "trustedapp-check", Tags: []string{"erp-net", "oauth2", "client-credentials", "jwt", "cli"},
		ManifestType: "defaultLocale", ManifestVersion: ManifestVersion,
	}
	vName, lName, iName := FileNames()
	out := map[string][]byte{}
	for name, v := range map[string]struct {
		kind string
		doc  any
	}{vName: {"version", vm}, lName: {"defaultLocale", lm}, iName: {"installer", im}} {
		b, err := marshal(v.kind, v.doc)
		if err != nil {
			return nil, err
		}
		out[name] = b
	}
	return out, nil
}

// marshal writes one manifest the way winget's own tools do: a schema comment line
// for editors, then the YAML.
func marshal(kind string, doc any) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# yaml-language-server: $schema=https://aka.ms/winget-manifest.%s.%s.schema.json\n\n",
		strings.ToLower(kind), ManifestVersion)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func sha256File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return strings.ToUpper(hex.EncodeToString(h.Sum(nil))), nil
}
