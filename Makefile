# Thin wrappers over cargo: every target is one or two commands you could type yourself.
.PHONY: build test server clean report report-scale report-lessons report-advice report-resilience report-load-curve report-sharing compare report-db postgres-env redis-env calibrate python-env

CARGO ?= cargo

build:
	$(CARGO) build --release --workspace

# A test that cannot run here (no PostgreSQL, no python env, ...) passes and leaves one file in
# TEST_SKIPS (tests/common/skip.rs); the last line sums them up: what was not checked, and why.
TEST_SKIPS := target/test-skips

test:
	rm -rf $(TEST_SKIPS)
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) test --benches   # each benchmark once, so the benches never rot
	CONCBENCH_TEST_SKIPS=$(CURDIR)/$(TEST_SKIPS) $(CARGO) test --no-fail-fast --workspace --lib --bins --tests
	@tests/skipped.sh $(TEST_SKIPS)

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
# Debian's python3 has no venv without python3-venv: installed first when missing (as postgres-env).
PYTHON ?= python3
python-env:
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { $(SUDO) apt-get update && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends python3-venv; }
	$(PYTHON) -m venv python/.venv
	python/.venv/bin/pip install --quiet --disable-pip-version-check -r python/requirements.txt

# The db suite with PostgreSQL beside SQLite (the default suite has SQLite only), rendered with the newest
# default run of this machine when there is one (the newer measurement of a case wins). PostgreSQL cases
# are skipped, with one line, where PostgreSQL is not installed: see postgres-env.
report-db: build
	./target/release/concbench run --suite db
	dir=$$(dirname "$$(ls -t reports/results/*/*.json | head -1)"); \
	./target/release/concbench report $$(grep -l '"suite":"default"' $$dir/*.json | xargs -r ls -t | head -1) \
		"$$(ls -t $$dir/*.json | head -1)"

# The seeds' lessons that have no room in the default suite's six minutes (the
# article's CPU-heavy mixed job, child processes, the convoy, data moved to workers), rendered with the
# newest default run of this machine when there is one, so one report holds both.
report-lessons: build
	./target/release/concbench run --suite lessons
	dir=$$(dirname "$$(ls -t reports/results/*/*.json | head -1)"); \
	./target/release/concbench report $$(grep -l '"suite":"default"' $$dir/*.json | xargs -r ls -t | head -1) \
		"$$(ls -t $$dir/*.json | head -1)"

# How well `concbench advise` predicts jobs it never saw: advice-check draws 24 jobs by a recorded
# seed and measures them on the models advise ranks (8–10 minutes on a quiet 2-core machine), then
# renders them with the newest default run of this machine, whose cases the costs are fitted on
# (run `make report` first). ARGS go to the run, e.g. ARGS="--seed 7 --advice-jobs 30".
report-advice: build
	./target/release/concbench run --suite advice-check $(ARGS)
	dir=$$(dirname "$$(ls -t reports/results/*/*.json | head -1)"); \
	./target/release/concbench report $$(grep -l '"suite":"default"' $$dir/*.json | xargs -r ls -t | head -1) \
		"$$(ls -t $$dir/*.json | head -1)"

# An API that misbehaves (slow tails, a rate limit, failures retried) per model and client policy,
# about a minute and a half; rendered with the newest default run of this machine when there is one.
report-resilience: build
	./target/release/concbench run --suite resilience
	dir=$$(dirname "$$(ls -t reports/results/*/*.json | head -1)"); \
	./target/release/concbench report $$(grep -l '"suite":"default"' $$dir/*.json | xargs -r ls -t | head -1) \
		"$$(ls -t $$dir/*.json | head -1)"

# Open-loop arrivals: GETs at an offered rate swept past each model's knee (docs/load-curves.md),
# about 75 s of measuring; rendered alone into reports/load-curve/.
report-load-curve: build
	./target/release/concbench run --suite load-curve
	./target/release/concbench report --out reports/load-curve "$$(ls -t reports/results/*/*.json | head -1)"

# Shared state and processes that talk (contention per sync, the article's coordination shapes, IPC
# per transport, a task queue served to workers); rendered with the newest default run of this machine.
report-sharing: build
	./target/release/concbench run --suite sharing
	dir=$$(dirname "$$(ls -t reports/results/*/*.json | head -1)"); \
	./target/release/concbench report $$(grep -l '"suite":"default"' $$dir/*.json | xargs -r ls -t | head -1) \
		"$$(ls -t $$dir/*.json | head -1)"

# PostgreSQL for `--db postgres` (initdb, postgres and the postgres user: Debian's package), unless it
# is there already; the harness starts and removes its own throwaway cluster, so no service is needed.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
postgres-env:
	@if command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "PostgreSQL is installed"; \
	else \
		$(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends postgresql; \
	fi

# Redis for `queue-workers --broker redis` (redis-server: Debian's package), unless it is there
# already; the harness starts its own redis-server on a free loopback port and stops it, so the
# package's system service is not needed.
redis-env:
	@if command -v redis-server >/dev/null; then \
		echo "Redis is installed"; \
	else \
		$(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends redis-server; \
	fi

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
