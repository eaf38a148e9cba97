# Thin wrappers over cargo: every target is one or two commands you could type yourself.
.PHONY: build test server clean report

CARGO ?= cargo

build:
	$(CARGO) build --release --workspace

test:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) test --workspace

# Measure this machine (the default suite) and render reports/<machine-id>/index.html from the result file.
# The build is incremental: a second `make report` only measures and renders again.
report: build
	./target/release/concbench run --suite default
	./target/release/concbench report

# The talk's setup: 3 sync workers, 1 s per request, on 127.0.0.1:8000. Override: make server ARGS="--workers 9".
server:
	$(CARGO) run --release -p concbench-server --bin slow-server -- $(ARGS)

clean:
	$(CARGO) clean
