# Trusted App Tester. The README's two commands are `./run demo` and `./run test`;
# ./run installs the system packages and then calls these targets.
GO      ?= go
TAGS    := migrated_fynedo no_emoji
APP     := bin/trustedapp-tester
CLI     := bin/trustedapp-check
VERSION := $(shell sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
LDFLAGS := -X trustedapp-tester/internal/version.Version=$(VERSION)
# Fyne logs a locale error under LANG=C.UTF-8; en_US.UTF-8 needs no locale package.
export LANG := en_US.UTF-8

.PHONY: build app cli demo test lint unit e2e deb bench screenshots dist clean-dist dist-cli dist-linux dist-windows dist-deb release-linux-app release-windows-app windows-toolchain test-windows test-windows-cli test-windows-in-ci lint-workflows icon clean

build: app cli

app:
	$(GO) build -tags "$(TAGS)" -trimpath -ldflags "$(LDFLAGS)" -o $(APP) .

cli:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(CLI) ./cmd/trustedapp-check

# Opens the desktop app with the in-process sandbox running and its scenario profiles listed.
demo: app
	./$(APP) --sandbox

# The whole suite: formatting, vet, unit/interop/UI/fuzz-seed tests with the race
# detector against a real gnome-keyring, then the real binary under Xvfb, then the
# Linux tarball, .deb and .rpm built and checked as installers, then a real Prometheus
# scraping `watch` (test-prometheus), then Windows under Wine without the installer
# (test-windows-cli: the Windows CLI's resources and its signature with a throwaway CA,
# the cgo-free packages' tests and the Windows CLI). The full `make test-windows` (the
# app's cross-build and both MSIs installed, run, upgraded, uninstalled) stays a
# separate target: it does not fit CI's 35 minutes (docs/decisions.md has the times).
test: lint lint-workflows unit e2e dist-linux test-prometheus test-windows-in-ci

# Wine runs Windows x86-64 programs only on an x86-64 machine.
test-windows-in-ci:
	@if [ "$$(uname -m)" = x86_64 ]; then $(MAKE) --no-print-directory test-windows-cli; \
	 else echo "make test: Windows under Wine SKIPPED: Wine runs Windows x86-64 programs only on x86-64, this is $$(uname -m)"; fi

lint:
	@files=$$(git ls-files '*.go' 2>/dev/null); [ -n "$$files" ] || files=$$(find . -name '*.go' -not -path './.git/*'); \
	 bad=$$(gofmt -l $$files); if [ -n "$$bad" ]; then echo "gofmt would change:"; echo "$$bad"; exit 1; fi
	$(GO) vet -tags "$(TAGS)" ./...
	@# make test-windows runs these packages' tests under Wine, where t.TempDir's cleanup fails.
	@bad=$$(grep -rln --include='*.go' '\bt\.TempDir()' . | grep -v '^\./ui/' || true); \
	 if [ -n "$$bad" ]; then echo "use testdir.New(t) (internal/testdir), not t.TempDir(): its cleanup fails under Wine (make test-windows):"; echo "$$bad"; exit 1; fi

# The root package (main.go, GLFW/cgo) has no tests and is built by `app`; leaving it
# out spares a second, race-instrumented cgo build of GLFW (~3 min cold).
unit:
	scripts/with-keyring.sh $(GO) test -race -count=1 -timeout 20m $$($(GO) list ./... | grep -v '^trustedapp-tester$$')

e2e: app cli
	scripts/e2e-smoke.sh $(APP)
	scripts/e2e-window.sh $(APP)

# A real Prometheus (Debian's prometheus 2.42 with promtool, installed here if missing)
# scrapes `trustedapp-check watch --listen` against the sandbox, promtool lints the
# exposition, and the alert rules pass `promtool check rules` and their unit tests
# (packaging/prometheus). `make unit` runs the same tests when the tools are installed
# and skips them, saying so, when not; here a missing tool is a failure. About 25 s of
# apt-get the first time and 8 s of test (docs/benchmarks.md).
.PHONY: test-prometheus
test-prometheus:
	scripts/install-deps.sh --prometheus
	TRUSTEDAPP_REQUIRE_PROMETHEUS=1 scripts/with-keyring.sh $(GO) test -count=1 -run 'TestPrometheus' -v ./cmd/trustedapp-check

# Speed and memory targets live here, never in the pass/fail suite (docs/benchmarks.md).
# FYNE_CACHE=2s: Fyne drops the renderers of discarded widgets after 2 s instead of a
# minute, so the UI's memory benchmark measures live state (ui/leak_test.go).
bench: app cli
	FYNE_CACHE=2s $(GO) test -run '^$$' -bench . -benchmem -count=1 $$($(GO) list ./... | grep -v '^trustedapp-tester$$')
	scripts/bench-process.sh
	scripts/bench-licence.sh

# Regenerates the screenshots in docs/ (test-driver renders + a real Xvfb capture).
screenshots: app
	TRUSTEDAPP_SCREENSHOTS=$(CURDIR)/docs $(GO) test -count=1 -run TestScreenshots ./ui
	scripts/e2e-smoke.sh $(APP) docs/screenshot-xvfb.png

# ---- Release packages (docs/decisions.md, "installers") ------------------------------
# One cgo build of the desktop app per target: the same flags as `make app` plus the
# `release` tag, stripped, and the version stamped; everything else reuses it.
REL        := bin/release
LINUX_APP  := $(REL)/linux-amd64/trustedapp-tester
LINUX_CLI  := $(REL)/cli/linux-amd64/trustedapp-check
WIN_APP    := $(REL)/windows-amd64/trustedapp-tester.exe
WIN_CLI    := $(REL)/cli/windows-amd64/trustedapp-check.exe
WIN_SYSO   := rsrc_windows_amd64.syso
MSI        := dist/trusted-app-tester-$(VERSION)-windows-amd64.msi
MSI_MACHINE := dist/trusted-app-tester-$(VERSION)-windows-amd64-machine.msi
REL_TAGS   := $(TAGS) release

# Pinned build tools, installed into bin/ for this machine (never with a target's GOOS).
FYNE       := bin/fyne
NFPM       := bin/nfpm
ACTIONLINT := bin/actionlint
$(FYNE):
	GOBIN=$(CURDIR)/bin GOOS= GOARCH= $(GO) install fyne.io/tools/cmd/fyne@v1.7.4
$(NFPM):
	GOBIN=$(CURDIR)/bin GOOS= GOARCH= $(GO) install github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.2
$(ACTIONLINT):
	GOBIN=$(CURDIR)/bin GOOS= GOARCH= $(GO) install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12

# Everything in dist/: the two Windows MSIs (per-user, per-machine) and their winget
# manifest (dist/winget/), Linux tarball + .deb + .rpm, six CLI archives, SHA256SUMS.
# Every target that writes into dist/ writes SHA256SUMS anew over all of it, so a later
# `make test` or `make test-windows` (which rebuild their packages) never leaves it stale.
dist: clean-dist dist-cli dist-linux dist-windows

clean-dist:
	rm -rf dist

# windres links the Windows CLI's icon, manifest and version resource (scripts/build-cli.sh).
dist-cli:
	scripts/install-deps.sh --windows-resources
	scripts/dist-cli.sh $(VERSION) "$(LDFLAGS)" dist
	scripts/sha256sums.sh dist

# The CLI for one platform, bin/release/cli/OS-ARCH/: always rebuilt (go build's cache
# makes that cheap): a stale binary once hid a change. The Windows one carries the
# app's icon, manifest and version resource (scripts/build-cli.sh, windres).
$(LINUX_CLI) $(WIN_CLI): FORCE
	p=$(notdir $(@D)); scripts/build-cli.sh $(VERSION) $${p%-*} $${p#*-} "$(LDFLAGS) -s -w" $@

release-linux-app:
	$(GO) build -tags "$(REL_TAGS)" -trimpath -ldflags "$(LDFLAGS) -s -w" -o $(LINUX_APP) .

# The Linux tarball (fyne package), .deb and .rpm, then their installer checks.
dist-linux: release-linux-app $(LINUX_CLI) $(FYNE) $(NFPM)
	FYNE=$(FYNE) NFPM=$(NFPM) scripts/dist-linux.sh $(VERSION) $(LINUX_APP) $(LINUX_CLI) dist
	scripts/sha256sums.sh dist
	scripts/check-linux-packages.sh $(VERSION) dist

# The Windows desktop app: cross-built with MinGW (6-11 minutes cold on 2 cores), GUI
# subsystem (no console window), icon, manifest and version resource from windres.
release-windows-app: windows-toolchain
	scripts/windows-resources.sh $(VERSION) $(WIN_SYSO)
	CC=x86_64-w64-mingw32-gcc CGO_ENABLED=1 GOOS=windows GOARCH=amd64 \
	  $(GO) build -tags "$(REL_TAGS)" -trimpath -ldflags "$(LDFLAGS) -s -w -H windowsgui" -o $(WIN_APP) . \
	  ; s=$$?; rm -f $(WIN_SYSO); exit $$s

# The per-user and the per-machine MSI (wixl) and their winget manifest; signed when
# SIGN_PFX names a code-signing certificate (scripts/package-windows.sh, sign-windows.sh).
dist-windows: release-windows-app $(WIN_CLI)
	scripts/package-windows.sh $(VERSION) $(WIN_APP) $(WIN_CLI) dist
	scripts/sha256sums.sh dist

# MinGW, wixl, Wine and xdotool: installed only for the Windows targets.
windows-toolchain:
	scripts/install-deps.sh --windows

# Windows under Wine: the cgo-free packages' tests, the Windows CLI against the sandbox,
# the resources of both .exe files, Authenticode on both .exe files and both MSIs with a
# throwaway CA and the release's packaging signed with it, and each signed MSI
# (per-user, per-machine) installed silently, checked (files,
# Apps entry, PATH), run (the healthy scenario in the per-user one), upgraded and
# uninstalled.
test-windows: dist-windows
	scripts/test-windows.sh $(VERSION) $(MSI) $(MSI_MACHINE) $(WIN_CLI) $(WIN_APP)

# The same without the desktop app's cross-build and the installer phase: the
# cgo-free packages' tests and the Windows CLI under Wine (minutes, not a quarter hour);
# before them the Windows CLI's resources and its Authenticode signature (seconds).
test-windows-cli: windows-toolchain $(WIN_CLI)
	$(GO) run ./packaging/winres -name trustedapp-check -version $(VERSION) -identity net.trustedapptester.check \
	  -description "Trusted App Tester command-line checks" $(WIN_CLI)
	scripts/test-signing.sh $(WIN_CLI)
	SKIP_INSTALLER=1 scripts/test-windows.sh $(VERSION) none none $(WIN_CLI)

# The Debian package alone (kept for `make dist-deb` users) and its check.
dist-deb deb: dist-linux

# The release workflow for the hosted CI (.github/workflows), checked here.
lint-workflows: $(ACTIONLINT)
	$(ACTIONLINT) -shellcheck= .github/workflows/*.yml

FORCE:

icon:
	rsvg-convert -w 512 -h 512 assets/icon.svg -o assets/icon.png

clean:
	rm -rf bin dist
