# Thin wrappers over cargo: every target is one or two commands you could type yourself.
.PHONY: build test server clean report report-scale compare

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

# The scale suite (about 9 minutes here: 1k to 1M sleeping tasks beside their bare programs, threads
# until the OS refuses one, io up to 100k connections) and its report, reports/scale/index.html, from
# the run's own file (the newest in the store) even when some case could not be measured (exit 1: the
# report says which); a refused run (exit 2) stops here.
report-scale: build
	./target/release/concbench run --suite scale; rc=$$?; [ $$rc -le 1 ] || exit $$rc; \
	./target/release/concbench report "$$(ls -t reports/results/*/*.json | head -1)" --out reports/scale

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
