//go:build !windows && !darwin

package sysproxy

// Linux and the other systems: no system-wide proxy setting this program reads (the
// desktops' own, GNOME's or KDE's, differ); the environment's HTTPS_PROXY and
// friends apply (check).
func system() (Settings, PAC, error) { return Settings{}, nil, nil }
