package main

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// The published JSON schemas of the winget manifest, copied from the
// microsoft/winget-cli repository (schemas/README.md says from where, and the licence).
//
//go:embed schemas/v1.10.0/*.json
var schemaFiles embed.FS

var schemaOf = map[string]string{
	"version":       "schemas/v1.10.0/manifest.version.1.10.0.json",
	"defaultLocale": "schemas/v1.10.0/manifest.defaultLocale.1.10.0.json",
	"installer":     "schemas/v1.10.0/manifest.installer.1.10.0.json",
}

// compile loads the three schemas, with format assertions on (dates, URLs).
func compile() (map[string]*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	out := map[string]*jsonschema.Schema{}
	for kind, path := range schemaOf {
		b, err := schemaFiles.ReadFile(path)
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		url := "file:///" + path
		if err := c.AddResource(url, doc); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if out[kind], err = c.Compile(url); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return out, nil
}

// Validate checks a multi-file manifest: each file against the schema its
// ManifestType names, all three types present once, and the same package and
// version in each.
func Validate(files map[string][]byte) error {
	schemas, err := compile()
	if err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	kinds := map[string]string{}
	var ids []string
	for _, name := range names {
		var doc any
		if err := yaml.Unmarshal(files[name], &doc); err != nil {
			return fmt.Errorf("%s: not YAML: %w", name, err)
		}
		// Through JSON, so the validator sees what winget's own JSON-based checks see.
		j, err := json.Marshal(doc)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		m, _ := inst.(map[string]any)
		kind, _ := m["ManifestType"].(string)
		sch, ok := schemas[kind]
		if !ok {
			return fmt.Errorf("%s: ManifestType %q is not version, defaultLocale or installer", name, kind)
		}
		if prev, dup := kinds[kind]; dup {
			return fmt.Errorf("%s and %s are both %s manifests", prev, name, kind)
		}
		kinds[kind] = name
		if err := sch.Validate(inst); err != nil {
			var ve *jsonschema.ValidationError
			if errors.As(err, &ve) {
				return fmt.Errorf("%s does not follow the %s schema %s:\n%s", name, kind, ManifestVersion, ve)
			}
			return fmt.Errorf("%s: %w", name, err)
		}
		ids = append(ids, fmt.Sprintf("%v %v", m["PackageIdentifier"], m["PackageVersion"]))
	}
	for kind := range schemaOf {
		if kinds[kind] == "" {
			return fmt.Errorf("the manifest has no %s file", kind)
		}
	}
	for _, id := range ids[1:] {
		if id != ids[0] {
			return fmt.Errorf("the files name different packages or versions: %s", strings.Join(ids, ", "))
		}
	}
	return nil
}
