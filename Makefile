# Thin wrappers over cargo: every target is one or two commands you could type yourself.
.PHONY: build test server clean compare

CARGO ?= cargo

build:
	$(CARGO) build --release --workspace

test:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) test --workspace

# The talk's setup: 3 sync workers, 1 s per request, on 127.0.0.1:8000. Override: make server ARGS="--workers 9".
server:
	$(CARGO) run --release -p concbench-server --bin slow-server -- $(ARGS)

# Compare runs: result files, directories or machine ids of reports/results/ (B defaults to this machine).
# make compare A=<baseline> [B=<other>] [ARGS="--format markdown"]
B ?= this
compare:
	$(if $(A),,$(error give the baseline: make compare A=<machine-id or result file> [B=...]))
	$(CARGO) run --release --quiet --bin concbench -- compare $(A) $(B) $(ARGS)

clean:
	$(CARGO) clean
