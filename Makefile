# Trusted App Tester. The README's two commands are `./run demo` and `./run test`;
# ./run installs the system packages and then calls these targets.
GO      ?= go
TAGS    := migrated_fynedo
APP     := bin/trustedapp-tester
CLI     := bin/trustedapp-check
VERSION := $(shell sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
LDFLAGS := -X trustedapp-tester/internal/version.Version=$(VERSION)
# Fyne logs a locale error under LANG=C.UTF-8; en_US.UTF-8 needs no locale package.
export LANG := en_US.UTF-8

.PHONY: build app cli demo test lint unit e2e deb bench screenshots dist dist-linux dist-windows dist-deb icon clean

build: app cli

app:
	$(GO) build -tags $(TAGS) -trimpath -ldflags "$(LDFLAGS)" -o $(APP) .

cli:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(CLI) ./cmd/trustedapp-check

# Opens the desktop app with the in-process sandbox running and its scenario profiles listed.
demo: app
	./$(APP) --sandbox

# The whole suite: formatting, vet, unit/interop/UI/fuzz-seed tests with the race
# detector against a real gnome-keyring, then the real binary under Xvfb, then the
# Debian package built and checked as an installer.
test: lint unit e2e deb

lint:
	@files=$$(git ls-files '*.go' 2>/dev/null); [ -n "$$files" ] || files=$$(find . -name '*.go' -not -path './.git/*'); \
	 bad=$$(gofmt -l $$files); if [ -n "$$bad" ]; then echo "gofmt would change:"; echo "$$bad"; exit 1; fi
	$(GO) vet -tags $(TAGS) ./...

# The root package (main.go, GLFW/cgo) has no tests and is built by `app`; leaving it
# out spares a second, race-instrumented cgo build of GLFW (~3 min cold).
unit:
	scripts/with-keyring.sh $(GO) test -race -count=1 -timeout 20m $$($(GO) list ./... | grep -v '^trustedapp-tester$$')

e2e: app cli
	scripts/e2e-smoke.sh $(APP)

# Speed and memory targets live here, never in the pass/fail suite (docs/benchmarks.md).
# FYNE_CACHE=2s: Fyne drops the renderers of discarded widgets after 2 s instead of a
# minute, so the UI's memory benchmark measures live state (ui/leak_test.go).
bench: app cli
	FYNE_CACHE=2s $(GO) test -run '^$$' -bench . -benchmem -count=1 $$($(GO) list ./... | grep -v '^trustedapp-tester$$')
	scripts/bench-process.sh

# Regenerates the screenshots in docs/ (test-driver renders + a real Xvfb capture).
screenshots: app
	TRUSTEDAPP_SCREENSHOTS=$(CURDIR)/docs $(GO) test -count=1 -run TestScreenshots ./ui
	scripts/e2e-smoke.sh $(APP) docs/screenshot-xvfb.png

dist: dist-linux dist-windows dist-deb

DEB := dist/trusted-app-tester_$(VERSION)_amd64.deb

# The Debian/Ubuntu installer (app + CLI + .desktop entry + icon).
dist-deb: app cli
	scripts/build-deb.sh $(APP) $(CLI) $(VERSION) $(DEB)

deb: dist-deb
	scripts/deb-check.sh $(DEB)

# `fyne package -release` bumps Build in FyneApp.toml; keep the tracked file as it is.
KEEP_TOML    := cp FyneApp.toml bin/FyneApp.toml.keep &&
RESTORE_TOML := ; s=$$?; mv -f bin/FyneApp.toml.keep FyneApp.toml; exit $$s

# The fyne packaging tool, built for this machine (never with the target's GOOS).
FYNE := bin/fyne
$(FYNE):
	GOBIN=$(CURDIR)/bin GOOS= GOARCH= $(GO) install fyne.io/tools/cmd/fyne@v1.7.4

dist-linux: $(FYNE)
	mkdir -p dist
	$(KEEP_TOML) $(FYNE) package -os linux -release -tags $(TAGS) -name "Trusted App Tester" -app-version $(VERSION) $(RESTORE_TOML)
	mv -f "Trusted App Tester.tar.xz" dist/trusted-app-tester-$(VERSION)-linux-amd64.tar.xz
	CGO_ENABLED=0 GOOS=linux GOARCH=amd64 $(GO) build -trimpath -ldflags "$(LDFLAGS) -s -w" -o dist/trustedapp-check-linux-amd64 ./cmd/trustedapp-check

dist-windows: $(FYNE)
	@command -v x86_64-w64-mingw32-gcc >/dev/null || { echo "dist-windows cross-compiles with MinGW: sudo apt-get install gcc-mingw-w64-x86-64" >&2; exit 3; }
	mkdir -p dist
	$(KEEP_TOML) CC=x86_64-w64-mingw32-gcc CGO_ENABLED=1 $(FYNE) package -os windows -release -tags $(TAGS) -name "Trusted App Tester" -app-version $(VERSION) $(RESTORE_TOML)
	mv -f "Trusted App Tester.exe" dist/trusted-app-tester-$(VERSION)-windows-amd64.exe
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 $(GO) build -trimpath -ldflags "$(LDFLAGS) -s -w" -o dist/trustedapp-check-windows-amd64.exe ./cmd/trustedapp-check

icon:
	rsvg-convert -w 512 -h 512 assets/icon.svg -o assets/icon.png

clean:
	rm -rf bin dist
