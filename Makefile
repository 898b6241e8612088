# dbtsh — everyday entry points. `make demo` and `make test` are all a newcomer needs.
#
#   make demo         build dbtsh and start `dbtsh --demo` (a built-in sandbox, no account needed)
#   make test         build, build the tests, run the whole suite (what CI runs)
#   make build        build every product (debug)
#   make bench        run the benchmarks (scripts/bench.sh)
#   make completions  regenerate completions/ (bash, zsh, fish) from the built dbtsh
#   make install      build a release dbtsh, strip it, install it and its completions under PREFIX
#   make deps         install libedit-dev and pkg-config when missing (as root), else say how
#
# Variables: SWIFT (default `swift`), SWIFT_FLAGS (extra flags for every swift build/test),
# PREFIX (default /usr/local) and DESTDIR (staging root) for `make install`, RELEASE_FLAGS
# (default --static-swift-stdlib: the Swift runtime and Foundation linked in, which more than
# halves the start-up time; empty to link them dynamically) for `make install` and `make bench`.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
SWIFT ?= swift
SWIFT_FLAGS ?=
PREFIX ?= /usr/local
RELEASE_FLAGS ?= --static-swift-stdlib
export RELEASE_FLAGS
DESTDIR ?=
export LANG ?= C.UTF-8

.DEFAULT_GOAL := help
.PHONY: help deps build demo test bench completions install

help:
	@sed -n '3,13s/^# \{0,1\}//p' $(firstword $(MAKEFILE_LIST))

# libedit is the only system library dbtsh needs (Package.swift: systemLibrary CLibEdit,
# found through pkg-config). Installed with apt-get when missing and running as root.
deps:
	@if dpkg -s libedit-dev >/dev/null 2>&1 && pkg-config --exists libedit 2>/dev/null; then \
		:; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "==> installing libedit-dev and pkg-config"; \
		DEBIAN_FRONTEND=noninteractive apt-get update; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libedit-dev pkg-config; \
	else \
		echo "dbtsh needs libedit (headers and pkg-config file). Install them with:"; \
		echo "    sudo apt-get update && sudo apt-get install -y libedit-dev pkg-config"; \
		exit 1; \
	fi

build: deps
	$(SWIFT) build $(SWIFT_FLAGS)

demo: deps
	$(SWIFT) build $(SWIFT_FLAGS) --product dbtsh
	@bin="$$($(SWIFT) build $(SWIFT_FLAGS) --show-bin-path)"; exec "$$bin/dbtsh" --demo

# Plain `swift test` (no --parallel: the pseudo-terminal suites are serialized and must
# not be split across test processes). --skip-build because the line before just built
# everything; a second build planning pass would recompile HummingbirdCore again.
test: deps
	$(SWIFT) build $(SWIFT_FLAGS) --build-tests
	$(SWIFT) test $(SWIFT_FLAGS) --skip-build

bench:
	bash scripts/bench.sh

completions: deps
	$(SWIFT) build $(SWIFT_FLAGS) --product dbtsh
	@bin="$$($(SWIFT) build $(SWIFT_FLAGS) --show-bin-path)"; \
	"$$bin/dbtsh" --generate-completion-script bash > completions/dbtsh.bash; \
	"$$bin/dbtsh" --generate-completion-script zsh > completions/_dbtsh; \
	"$$bin/dbtsh" --generate-completion-script fish > completions/dbtsh.fish; \
	echo "wrote completions/dbtsh.bash completions/_dbtsh completions/dbtsh.fish"

# A release binary, stripped (debug info is most of its size), with the completion scripts
# of the `dbtsh` command line in the places bash, zsh and fish look under PREFIX.
install: deps
	$(SWIFT) build $(SWIFT_FLAGS) -c release $(RELEASE_FLAGS) --product dbtsh
	@bin="$$($(SWIFT) build $(SWIFT_FLAGS) -c release $(RELEASE_FLAGS) --show-bin-path)"; \
	install -d "$(DESTDIR)$(PREFIX)/bin" \
		"$(DESTDIR)$(PREFIX)/share/bash-completion/completions" \
		"$(DESTDIR)$(PREFIX)/share/zsh/site-functions" \
		"$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d"; \
	install -m 755 "$$bin/dbtsh" "$(DESTDIR)$(PREFIX)/bin/dbtsh"; \
	strip "$(DESTDIR)$(PREFIX)/bin/dbtsh"; \
	install -m 644 completions/dbtsh.bash "$(DESTDIR)$(PREFIX)/share/bash-completion/completions/dbtsh"; \
	install -m 644 completions/_dbtsh "$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_dbtsh"; \
	install -m 644 completions/dbtsh.fish "$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/dbtsh.fish"; \
	echo "installed $(DESTDIR)$(PREFIX)/bin/dbtsh ($$(du -h "$(DESTDIR)$(PREFIX)/bin/dbtsh" | cut -f1)) and its completions"
