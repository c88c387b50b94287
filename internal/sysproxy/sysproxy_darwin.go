package sysproxy

import (
	"context"
	"fmt"
	"os/exec"
	"time"
)

// macOS: the network settings as `scutil --proxy` prints them (the dictionary
// SCDynamicStoreCopyProxies returns), read the same way with or without cgo; the PAC
// file evaluated by CFNetwork where the program is built with cgo (darwinPAC).
func system() (Settings, PAC, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "/usr/sbin/scutil", "--proxy").Output()
	if err != nil {
		return Settings{}, nil, fmt.Errorf("cannot read the macOS proxy settings (scutil --proxy): %v", err)
	}
	return ParseScutil(string(out)), darwinPAC(), nil
}
