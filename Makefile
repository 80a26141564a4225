# CaptchaGuard. `make test` and `make demo` work on a fresh Debian 12 machine:
# they install the Debian packages they need first.

SHELL := /bin/bash
MODULE := target/release/libcaptchaguard.so
MW139 := /usr/share/mediawiki
MW143 := $(CURDIR)/build/mw143/usr/share/mediawiki
WIKIS := $(CURDIR)/build/wikis
WIKI := tests/integration/bin/wiki.sh
DEPS_STAMP := build/.deps-installed
DEBIAN_PACKAGES := php8.2-cli php8.2-fpm php8.2-dev php8.2-sqlite3 php8.2-mbstring \
	php8.2-xml php8.2-intl php8.2-curl libclang-dev clang mediawiki nginx sqlite3 \
	php8.2-apcu php8.2-mysql mariadb-server mariadb-client phpunit curl python3 ca-certificates valgrind memcached \
	chromium chromium-driver python3-selenium php-codesniffer
CARGO_PHP := $(HOME)/.cargo/bin/cargo-php

.PHONY: all deps build test check lint unit clippy fmt-check stubs stubs-check phpunit \
	memcheck integration faults-module bench soak soak-baseline demo demo-stop clean

all: build

$(DEPS_STAMP):
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(DEBIAN_PACKAGES)
	mkdir -p build && touch $@

deps: $(DEPS_STAMP)

$(MW143)/includes/Defines.php: | $(DEPS_STAMP)
	tests/integration/bin/fetch-mediawiki-1.43.sh build/mw143

build: $(DEPS_STAMP)
	cargo build --release

# The linters (the machine's Node.js for the npm ones, as package-lock.json pins them).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# Every PHP file parses, PHP keeps .phpcs.xml's conventions (close to
# MediaWiki's), and the JavaScript and messages pass eslint-config-wikimedia
# and banana-checker.
lint: $(DEPS_STAMP) node_modules/.package-lock.json
	find . -name '*.php' -not -path './build/*' -not -path './target/*' -not -path './node_modules/*' \
		-print0 | xargs -0 -n1 php -l -n | { grep -v '^No syntax errors' || true; }
	@find . -name '*.php' -not -path './build/*' -not -path './target/*' -not -path './node_modules/*' \
		-print0 | xargs -0 -n1 php -l -n >/dev/null
	phpcs -q
	npm test

check: fmt-check lint clippy stubs-check

unit: $(DEPS_STAMP)
	cargo test --release

clippy: $(DEPS_STAMP)
	cargo clippy --release --all-targets -- -D warnings
	cargo clippy --release --all-targets --features fault-injection --target-dir target/faults -- -D warnings

fmt-check:
	cargo fmt --check

$(CARGO_PHP):
	cargo install cargo-php --locked

# php-stubs/ is checked in; regenerate with `make stubs` after changing a native class.
stubs: $(DEPS_STAMP) $(CARGO_PHP)
	cargo php stubs --stdout > php-stubs/captchaguard.php.new
	mv php-stubs/captchaguard.php.new php-stubs/captchaguard.php

stubs-check: $(DEPS_STAMP) $(CARGO_PHP)
	cargo php stubs --stdout > build/captchaguard.stubs.php
	diff -u php-stubs/captchaguard.php build/captchaguard.stubs.php \
		|| { echo "php-stubs/ is out of date: run 'make stubs'"; exit 1; }

# The native classes with an in-memory FakeHost (tests/phpunit/unit), then the
# hook handlers, the consequence and CaptchaGuard's database classes inside a
# real MediaWiki 1.43 with a throwaway SQLite wiki (tests/phpunit/integration).
# Through a scan dir rather than -d, so phpunit's per-test child processes load
# the module too.
phpunit: build $(MW143)/includes/Defines.php
	mkdir -p build/php-ini
	echo "extension=$(CURDIR)/$(MODULE)" > build/php-ini/captchaguard.ini
	PHP_INI_SCAN_DIR=:$(CURDIR)/build/php-ini phpunit -c tests/phpunit/unit/phpunit.xml
	$(WIKI) create $(WIKIS)/phpunit143 $(MW143) 8199
	MW_INSTALL_PATH=$(MW143) MW_CONFIG_FILE=$(WIKIS)/phpunit143/LocalSettings.php \
		PHP_INI_SCAN_DIR=:$(CURDIR)/build/php-ini phpunit -c tests/phpunit/integration/phpunit.xml

# The module with the test-only fault-injection feature, for tests/integration/test_faults.py.
faults-module: $(DEPS_STAMP)
	cargo build --release --features fault-injection --target-dir target/faults

# The unit suite under valgrind with PHP's allocator off (USE_ZEND_ALLOC=0), so
# every read and write of the module is checked; PCRE's JIT off, as valgrind
# cannot follow JIT-compiled code. Any error report fails the target. Not the
# integration suite: a MediaWiki boot under valgrind takes about 15 s per test
# process.
memcheck: phpunit
	rm -rf build/valgrind && mkdir -p build/valgrind
	USE_ZEND_ALLOC=0 ZEND_DONT_UNLOAD_MODULES=1 PHP_INI_SCAN_DIR=:$(CURDIR)/build/php-ini \
		valgrind -q --trace-children=yes --log-file=$(CURDIR)/build/valgrind/%p.log \
		php -d pcre.jit=0 /usr/bin/phpunit -c tests/phpunit/unit/phpunit.xml
	@logs=$$(ls build/valgrind | wc -l); reports=$$(find build/valgrind -type f -name '*.log' -size +0 | wc -l); \
		echo "valgrind: $$logs processes, $$reports with errors"; \
		[ "$$logs" -gt 1 ] || { echo "valgrind did not follow phpunit's test processes"; exit 1; }; \
		[ "$$reports" -eq 0 ] || { find build/valgrind -type f -name '*.log' -size +0 -exec cat {} +; exit 1; }

integration: build faults-module $(MW143)/includes/Defines.php
	tests/integration/run.sh $(MW139) $(MW143) $(WIKIS)

test: check unit phpunit memcheck integration

# The emergency check in the module against the same check in plain PHP over
# APCu, on both MediaWiki versions (wikis created, not served); then whole
# requests end to end (bench/end_to_end.py; N requests per wiki and case, over
# three rounds that move CaptchaGuard from wiki to wiki).
bench: build $(MW143)/includes/Defines.php
	$(WIKI) create $(WIKIS)/bench139 $(MW139) 8121
	$(WIKI) create $(WIKIS)/bench143 $(MW143) 8131
	@for v in 139 143; do for clock in request call; do \
		root=$(MW139); [ $$v = 143 ] && root=$(MW143); \
		echo; echo "MediaWiki $$v, clock read per $$clock (per request: PHP-FPM; per call: CLI, job runners):"; \
		MW_INSTALL_PATH=$$root MW_CONFIG_FILE=$(WIKIS)/bench$$v/LocalSettings.php \
			php -d apc.enable_cli=1 -d captchaguard.clock=$$clock -d extension=$(CURDIR)/$(MODULE) \
			bench/EmergencyCheckBenchmark.php || exit 1; \
	done; done
	@echo; echo "CAPTCHA outcome counts (issue 24), MediaWiki 1.43 on SQLite:"
	MW_INSTALL_PATH=$(MW143) MW_CONFIG_FILE=$(WIKIS)/bench143/LocalSettings.php \
		php -d apc.enable_cli=1 -d extension=$(CURDIR)/$(MODULE) bench/OutcomeCountBenchmark.php
	@echo; echo "End to end: CaptchaGuard on one of three wikis installed alike, each in turn, against the other two (the A/A floor):"
	bench/run-wikis.sh end-to-end $(or $(N),400)

# Long-running workers: >= 50,000 mixed requests to 2 PHP-FPM workers never
# recycled; prints each worker's RSS and private memory (not part of make test).
# soak-baseline: the same mix on a wiki without CaptchaGuard.
soak: build $(MW143)/includes/Defines.php
	bench/run-wikis.sh soak $(or $(N),50000) $(or $(MINUTES),60)
soak-baseline: build $(MW143)/includes/Defines.php
	bench/run-wikis.sh soak-baseline $(or $(N),50000) $(or $(MINUTES),60)

# A wiki to try by hand (MediaWiki 1.43): http://127.0.0.1:8080 (ConfirmEdit loaded
# first) and :8081 (CaptchaGuard loaded first). Stop it with `make demo-stop`.
demo: build $(MW143)/includes/Defines.php
	WIKI_EXTRA_SETTINGS='$$captchaGuardEditors = true;' $(WIKI) create $(WIKIS)/demo $(MW143) 8080
	$(WIKI) start $(WIKIS)/demo
	python3 tests/integration/demo_filter.py http://127.0.0.1:8080
	@echo
	@echo "CaptchaGuard demo wiki (MediaWiki 1.43, QuestyCaptcha): http://127.0.0.1:8080/"
	@echo "Administrator login: Admin / Guard-Admin-2026"
	@echo "Edit any page as an anonymous user and add the words 'buy cheap' to see the CAPTCHA;"
	@echo "the answer to the question is 'guard'. Other users: Alice, Skipper (skipcaptcha),"
	@echo "Exempt (captchaguard-exempt), Botty (bot), all with password Guard-User-2026."
	@echo "Emergency CAPTCHAs: http://127.0.0.1:8080/index.php?title=Special:EmergencyCaptcha"

demo-stop:
	$(WIKI) stop $(WIKIS)/demo

clean:
	cargo clean
	rm -rf build
