# Parley's two entry points: `make run` (build and start with embedded defaults) and
# `make test` (every test: Swift unit tests, then integration tests against the real binary).
# Both install the Debian packages they need when missing (run as root on Debian 12).

RUN_PACKAGES  := pkg-config libsqlite3-dev libespeak-ng-dev libspeexdsp-dev libsrtp2-dev libopus-dev libpocketsphinx-dev pocketsphinx-en-us
TEST_PACKAGES := $(RUN_PACKAGES) python3 python3-venv sip-tester baresip-core iproute2 nftables tcpdump openssl sipvicious libnet-smpp-perl pocketsphinx chromium chromium-driver
VENV          := .build/test-venv
PYTHON_DEPS   := "twilio>=9,<10" "pytest>=8" "openapi-schema-validator>=0.6" requests numpy "prometheus-client>=0.20" "opentelemetry-proto>=1.20" "schemathesis>=4.3,<5" "openapi-spec-validator>=0.7" "aiosmtpd>=1.4" "selenium>=4.20"

PREFIX        ?= /usr/local
BIN           ?= .build/release/parley

.PHONY: run build install test deps-run deps-test unit-test fuzz integration-test bench

run: build
	.build/release/parley serve

build: deps-run
	swift build -c release --product parley

# The binary, its default number pool (found from any working directory), the docs, a systemd
# unit running as the unprivileged user `parley` with its data in /var/lib/parley, that user
# (systemd-sysusers) and /etc/default/parley (kept if it exists). DESTDIR stages a package.
install:
	@test -x $(BIN) || { echo "$(BIN) is missing: run 'make build' first, or give BIN=path"; exit 1; }
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/parley $(DESTDIR)$(PREFIX)/share/doc/parley/docs \
	  $(DESTDIR)/etc/systemd/system $(DESTDIR)/usr/lib/sysusers.d $(DESTDIR)/etc/default
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/parley
	install -m 0644 Fixtures/number-pool.json $(DESTDIR)$(PREFIX)/share/parley/number-pool.json
	install -m 0644 README.md $(DESTDIR)$(PREFIX)/share/doc/parley/README.md
	install -m 0644 docs/*.md $(DESTDIR)$(PREFIX)/share/doc/parley/docs/
	sed 's|@PREFIX@|$(PREFIX)|g' Packaging/parley.service.in > $(DESTDIR)/etc/systemd/system/parley.service
	chmod 0644 $(DESTDIR)/etc/systemd/system/parley.service
	install -m 0644 Packaging/parley.sysusers $(DESTDIR)/usr/lib/sysusers.d/parley.conf
	test -e $(DESTDIR)/etc/default/parley || install -m 0600 Packaging/parley.env $(DESTDIR)/etc/default/parley
	@if [ -z "$(DESTDIR)" ]; then systemd-sysusers /usr/lib/sysusers.d/parley.conf; systemctl daemon-reload 2>/dev/null || true; \
	  echo "installed; start it with: systemctl enable --now parley"; fi

test: deps-test unit-test fuzz integration-test

deps-run:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(RUN_PACKAGES)"

deps-test:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(TEST_PACKAGES)"
	@test -x $(VENV)/bin/python || python3 -m venv $(VENV)
	@$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check $(PYTHON_DEPS)

# Installs the missing ones among $(PACKAGES) with apt-get.
apt-install:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# Speech recognition runs on its own afterwards: its seconds of decoding would otherwise share
# the two cores with the media tests' real-time loops. The webhook client's deadline tests run
# alone too: beside sixty suites on two cores, a 1 s deadline fired seconds late.
unit-test:
	swift build --build-tests
	swift test --skip-build --skip SpeechRecognizerTests --skip GuardedHTTPClientTests
	swift test --skip-build --filter GuardedHTTPClientTests
	swift test --skip-build --filter SpeechRecognizerTests

# A short libFuzzer run over the SIP parser, from the seed corpus in Fixtures/sip-corpus.
FUZZ_SECONDS ?= 30
fuzz:
	PARLEY_FUZZ=1 swift build --sanitize=fuzzer --product SIPParserFuzzer --scratch-path .build-fuzz
	rm -rf .build-fuzz/corpus && mkdir -p .build-fuzz/corpus && cp Fixtures/sip-corpus/* .build-fuzz/corpus/
	.build-fuzz/debug/SIPParserFuzzer -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=1 .build-fuzz/corpus

# Against the release binary, the one users run: a debug build's media loops are several
# times slower, so real-time assertions would measure the build, not Parley.
integration-test:
	swift build -c release --product parley
	PARLEY_BIN=$(CURDIR)/.build/release/parley $(VENV)/bin/python -m pytest -q Tests/IntegrationTests

bench:
	cd Benchmarks && swift package benchmark
