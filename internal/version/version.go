// Package version carries the tool's version, set at build time with
// -ldflags "-X trustedapp-tester/internal/version.Version=1.2.3".
package version

import "runtime/debug"

// Version of Trusted App Tester. Keep in step with FyneApp.toml.
var Version = "0.1.0"

// Name is the product name shown to users and in reports.
const Name = "Trusted App Tester"

// Commit is the VCS revision the binary was built from, when known.
func Commit() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 7 {
				return s.Value[:7]
			}
		}
	}
	return ""
}
