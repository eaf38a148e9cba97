# Thin wrappers over cargo: every target is one or two commands you could type yourself.
.PHONY: build test server clean report compare calibrate python-env

CARGO ?= cargo

build:
	$(CARGO) build --release --workspace

test:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) test --benches   # each benchmark once, so the benches never rot
	$(CARGO) test --workspace --lib --bins --tests

# Measure this machine (the default suite) and render reports/<machine-id>/index.html from the result file.
# The build is incremental: a second `make report` only measures and renders again.
report: build
	./target/release/concbench run --suite default
	./target/release/concbench report

# How much of a model's cost is the harness's: async-semaphore and thread-pool beside wrk, hey and oha
# (each when installed) at c = 1, 10, 100 for 5 s each, into a result file of suite `calibrate`.
calibrate: build
	./target/release/concbench calibrate $(ARGS)

# The Python reference models' environment: python/.venv with the pinned requests, aiohttp,
# aiomultiprocess and gunicorn of python/requirements.txt. Without it the py-* models are skipped.
PYTHON ?= python3
python-env:
	$(PYTHON) -m venv python/.venv
	python/.venv/bin/pip install --quiet --disable-pip-version-check -r python/requirements.txt

# The talk's setup: 3 sync workers, 1 s per request, on 127.0.0.1:8000. Override: make server ARGS="--workers 9".
server:
	$(CARGO) run --release -p concbench-server --bin slow-server -- $(ARGS)

# criterion, every model on io, sleep and cpu at a 20 ms delay; ARGS go to criterion, e.g.
# make bench ARGS="io/async --save-baseline before". Faithful delay: CONCBENCH_BENCH_DELAY=1s make bench.
.PHONY: bench
bench:
	$(CARGO) bench -- $(ARGS)
# Compare runs: result files, directories or machine ids of reports/results/ (B defaults to this machine).
# make compare A=<baseline> [B=<other>] [ARGS="--format markdown"]
B ?= this
compare:
	$(if $(A),,$(error give the baseline: make compare A=<machine-id or result file> [B=...]))
	$(CARGO) run --release --quiet --bin concbench -- compare $(A) $(B) $(ARGS)

clean:
	$(CARGO) clean
