# Pocket Court — the two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export LEPTOS_SITE_ROOT ?= target/site
ADDR ?= 127.0.0.1:3000
BIN := target/release/pocket-court

.PHONY: run test build tools lint fmt bench check-wasm precompress clean-data

tools:
	bash scripts/install-tools.sh

## Release build of the server and the browser bundle (shared by run, test and bench).
build: tools
	cargo leptos build --release --split
	$(MAKE) --no-print-directory precompress

# Brotli and gzip copies of the browser files, served as-is (no compression per request),
# after dropping the wasm files' tool-name sections (scripts/strip-wasm.py says why).
precompress:
	@python3 scripts/strip-wasm.py target/site/pkg/*.wasm
	@for f in target/site/pkg/*.wasm target/site/pkg/*.js target/site/pkg/*.css; do \
	  brotli -f -q 11 -k "$$f" -o "$$f.br"; gzip -f -9 -k "$$f"; done

## Build, create ./data/pocket-court.db with the demo court, serve on http://127.0.0.1:3000.
run: build
	$(BIN) serve --demo --addr $(ADDR) --data-dir data

## Everything: unit, integration (SQLite; PostgreSQL too when DATABASE_URL is postgres://),
## the wasm dependency check, and the browser tests.
test: build
	bash scripts/test.sh

lint:
	python3 scripts/check-layers.py
	cargo fmt --all -- --check
	leptosfmt --check app/src
	cargo clippy --workspace --all-targets --release -- -D warnings
	cargo clippy -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate --profile wasm-release -- -D warnings

fmt:
	leptosfmt app/src
	cargo fmt --all

check-wasm:
	bash scripts/check-wasm-deps.sh

bench: build
	bash scripts/bench.sh

clean-data:
	rm -rf data
