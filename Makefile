# Mit Forløb. Two commands do everything on a fresh machine:
#   make run    installs what is missing, builds, migrates, seeds demo data, serves on :3000
#   make test   installs what is missing, runs every test
SHELL := /bin/bash
.DEFAULT_GOAL := run

CARGO_LEPTOS_VERSION := 0.3.10
# The linters `make lint` runs (see there).
CARGO_MACHETE_VERSION := 0.9.2
CARGO_DENY_VERSION := 0.20.2
LEPTOSFMT_VERSION := 0.1.33
# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ { getline; gsub(/"/, "", $$3); print $$3 }' Cargo.lock)
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
SERVER := $(TARGET_DIR)/server-release/server
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/end2end/node_modules/.bin:$(PATH)
export LEPTOS_SITE_ROOT ?= $(CURDIR)/target/site

.PHONY: run test tools bench-tools release check lint unit-tests e2e budget deploy-test bench throughput lighthouse clean

## Tools: each is installed only when missing.
tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@cargo leptos --version 2>/dev/null | grep -q " $(CARGO_LEPTOS_VERSION)" || \
		cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked --features no_downloads
	@wasm-bindgen --version 2>/dev/null | grep -q " $(WASM_BINDGEN_VERSION)" || \
		cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)
	@cargo machete --version 2>/dev/null | grep -qx "$(CARGO_MACHETE_VERSION)" || \
		cargo install cargo-machete --version $(CARGO_MACHETE_VERSION) --locked
	@cargo deny --version 2>/dev/null | grep -q " $(CARGO_DENY_VERSION)$$" || \
		cargo install cargo-deny --version $(CARGO_DENY_VERSION) --locked
	@leptosfmt --version 2>/dev/null | grep -q " $(LEPTOSFMT_VERSION)$$" || \
		cargo install leptosfmt --version $(LEPTOSFMT_VERSION) --locked
	@test -x /usr/bin/chromium || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }
	@test -x /usr/sbin/nginx || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nginx-light; }
	@cmp -s end2end/package-lock.json end2end/node_modules/.installed-lock.json || \
		(cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund && \
		 cp package-lock.json node_modules/.installed-lock.json)
	@command -v wasm-opt >/dev/null || { echo "wasm-opt missing after npm ci"; exit 1; }

## What only `make bench` needs: wrk (the load generator) and perf (the profiler).
bench-tools: tools
	@command -v wrk >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk; }
	@command -v perf >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y linux-perf; }

## The release build: size-optimised WebAssembly, hashed and precompressed assets.
release: tools
	cargo leptos build --release --precompress

run: release
	$(SERVER) seed-demo
	$(SERVER) serve

check:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings

## Beyond rustc and clippy: unused dependencies; the dependencies' licences,
## duplicates (printed, not an error) and sources (deny.toml); the layout of
## `view!` blocks (leptosfmt.toml); the plain scripts' format and lint
## (biome.jsonc, with Biome from end2end/package.json).
lint: tools
	cargo machete
	cargo deny check --hide-inclusion-graph licenses bans sources
	@leptosfmt --check --quiet app/src || { echo "view! blocks: run leptosfmt app/src && cargo fmt --all"; exit 1; }
	biome ci .

unit-tests:
	@rm -f $(TARGET_DIR)/fault-report.txt
	cargo test --workspace
	@echo "Fault tests (kill -9, disk full, outage, shutdown, rolling restart):"; cat $(TARGET_DIR)/fault-report.txt

budget: release
	SERVER_BIN=$(SERVER) node end2end/budget.mjs

e2e: release
	cd end2end && SERVER_BIN=$(SERVER) npx playwright test

## The reference deployment (deploy/) on loopback: nginx with TLS, two
## server processes, PostgreSQL, a rolling restart under load (also part of
## unit-tests; this runs it alone, with its figures).
deploy-test: tools
	cargo test -p server --test deploy -- --nocapture

## Figures for the README: the overview's throughput beside nginx's (with a
## profile); one release-build process on PostgreSQL, its capacity; its pages
## and logins with a municipality's worth of data on both engines; Lighthouse.
bench: bench-tools release
	SERVER_BIN=$(SERVER) PROFILE=1 end2end/throughput.sh
	MITFORLOB_BENCH_SERVER=$(SERVER) cargo test -p server --test deploy -- --ignored --nocapture --test-threads=1 capacity scale_and_logins
	SERVER_BIN=$(SERVER) node end2end/lighthouse.mjs

## The overview's pages a second on SQLite and PostgreSQL, beside nginx serving
## the same HTML (also part of bench). PROFILE=1 adds where the CPU went.
throughput: bench-tools release
	SERVER_BIN=$(SERVER) end2end/throughput.sh

## Lighthouse's mobile preset on five pages (also part of bench).
lighthouse: release
	SERVER_BIN=$(SERVER) node end2end/lighthouse.mjs

test: tools check lint unit-tests budget e2e

clean:
	cargo clean
	rm -rf data end2end/test-results
