//go:build darwin && !cgo

package sysproxy

// Built without cgo (the CLI's release builds), this program cannot call CFNetwork to
// run a PAC file: the Resolver says so in its notes and uses the manual proxies.
func darwinPAC() PAC { return nil }
