# CaptchaGuard. Every target installs the Debian packages it needs first, on a
# Debian 12 (PHP 8.2, MediaWiki 1.39) or Debian 13 (PHP 8.4, MediaWiki 1.43) machine.

SHELL := /bin/bash
MODULE := target/release/libcaptchaguard.so
DEBIAN_VERSION := $(shell . /etc/os-release 2>/dev/null && echo $$VERSION_ID)
# Debian's own MediaWiki: 1.39 on Debian 12, 1.43 on Debian 13. On Debian 12,
# Debian 13's 1.43 is unpacked into build/mw143 as well.
MW_SYSTEM := /usr/share/mediawiki
ifeq ($(DEBIAN_VERSION),13)
PHP := 8.4
MW143 := $(MW_SYSTEM)
else
PHP := 8.2
MW143 := $(CURDIR)/build/mw143/usr/share/mediawiki
endif
MW139 := $(MW_SYSTEM)
export MW143
# The other supported release, packaged and tested in a Debian root of it (packaging/debian-root.sh).
OTHER_RELEASE := $(if $(filter 13,$(DEBIAN_VERSION)),bookworm,trixie)
OTHER_VERSION := $(if $(filter 13,$(DEBIAN_VERSION)),12,13)
WIKIS := $(CURDIR)/build/wikis
WIKI := tests/integration/bin/wiki.sh
CARGO_PHP := $(HOME)/.cargo/bin/cargo-php

# Debian packages, by what needs them: building the module; a wiki served by
# PHP-FPM behind nginx (make demo, the smoke test); the developer's checks; the
# full test suite (MariaDB, memcached, valgrind, Chromium); packaging; make bench
# (valgrind for its instruction counts).
BUILD_PACKAGES := php$(PHP)-cli php$(PHP)-dev libclang-dev clang python3
WIKI_PACKAGES := $(BUILD_PACKAGES) mediawiki php$(PHP)-fpm php$(PHP)-sqlite3 php$(PHP)-mbstring \
	php$(PHP)-xml php$(PHP)-intl php$(PHP)-curl php$(PHP)-apcu nginx sqlite3 curl python3 ca-certificates
CHECK_PACKAGES := $(WIKI_PACKAGES) phpunit php-codesniffer
TEST_PACKAGES := $(CHECK_PACKAGES) php$(PHP)-mysql mariadb-server mariadb-client valgrind memcached \
	chromium chromium-driver python3-selenium
PACKAGING_PACKAGES := $(BUILD_PACKAGES) dpkg-dev binutils lintian debootstrap git
BENCH_PACKAGES := $(WIKI_PACKAGES) valgrind

# build/.packages-NAME: NAME_PACKAGES installed (again when the list changes).
build/.packages-%: Makefile
	@mkdir -p build
	@if [ "$$(cat $@ 2>/dev/null)" != "$($*_PACKAGES)" ]; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends $($*_PACKAGES) && echo "$($*_PACKAGES)" > $@; \
	else touch $@; fi

.PHONY: all build package test check smoke lint unit clippy fmt-check stubs stubs-check docs docs-check autoload autoload-check \
	php-ini phpunit phpunit-unit phpunit-integration memcheck integration packaged faults-module \
	bench soak soak-baseline demo demo-stop clean

all: build

ifeq ($(DEBIAN_VERSION),13)
$(MW143)/includes/Defines.php: | build/.packages-WIKI
else
$(MW143)/includes/Defines.php: | build/.packages-WIKI
	tests/integration/bin/fetch-mediawiki-1.43.sh build/mw143
endif

build: build/.packages-BUILD
	cargo build --release

# One .deb per supported Debian release in build/packages/ (Debian 12 with PHP
# 8.2, Debian 13 with PHP 8.4), each checked with its release's lintian.
package: build build/.packages-PACKAGING
	packaging/package.sh

# The linters (the machine's Node.js for the npm ones, as package-lock.json pins
# them; Debian's npm only where there is none, as it conflicts with other Node.js packages).
node_modules/.package-lock.json: package.json package-lock.json | build/.packages-CHECK
	command -v npm >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm
	npm ci --no-audit --no-fund

# Every PHP file parses, PHP keeps .phpcs.xml's conventions (close to
# MediaWiki's), and the JavaScript and messages pass eslint-config-wikimedia
# and banana-checker.
lint: build/.packages-CHECK node_modules/.package-lock.json
	find . \( -path ./build -o -path ./target -o -path ./node_modules \) -prune -o -name '*.php' \
		-print0 | xargs -0 -n1 php -l -n | { grep -v '^No syntax errors' || true; }
	@find . \( -path ./build -o -path ./target -o -path ./node_modules \) -prune -o -name '*.php' \
		-print0 | xargs -0 -n1 php -l -n >/dev/null
	phpcs -q
	npm test

# The developer's loop (a few minutes): formatting, clippy, the Rust tests, the
# stubs, the settings reference, linters, phpunit, and one wiki served end to end.
check: fmt-check clippy unit stubs-check docs-check autoload-check lint phpunit smoke

unit: build/.packages-BUILD
	cargo test --release

clippy: build/.packages-BUILD
	cargo clippy --release --all-targets -- -D warnings
	cargo clippy --release --all-targets --features fault-injection --target-dir target/faults -- -D warnings

fmt-check:
	cargo fmt --check

$(CARGO_PHP):
	cargo install cargo-php --locked

# php-stubs/ is checked in; regenerate with `make stubs` after changing a native class.
stubs: build/.packages-BUILD $(CARGO_PHP)
	cargo php stubs --stdout > php-stubs/captchaguard.php.new
	mv php-stubs/captchaguard.php.new php-stubs/captchaguard.php

stubs-check: build/.packages-BUILD $(CARGO_PHP)
	cargo php stubs --stdout > build/captchaguard.stubs.php
	diff -u php-stubs/captchaguard.php build/captchaguard.stubs.php \
		|| { echo "php-stubs/ is out of date: run 'make stubs'"; exit 1; }

# docs/settings.md is generated from extension.json's config descriptions.
docs: build/.packages-BUILD
	python3 docs/generate-settings.py > docs/settings.md

docs-check: build/.packages-BUILD
	python3 docs/generate-settings.py --check

# extension.json's class map (maintenance/generateAutoload.py says why).
autoload:
	python3 maintenance/generateAutoload.py

autoload-check:
	python3 maintenance/generateAutoload.py --check

# The module for PHP's test processes: through a scan dir rather than -d, so
# phpunit's per-test child processes load it too.
php-ini: build
	mkdir -p build/php-ini
	echo "extension=$(CURDIR)/$(MODULE)" > build/php-ini/captchaguard.ini

# The native classes with an in-memory FakeHost (tests/phpunit/unit), then the
# hook handlers, the consequence and CaptchaGuard's database classes inside a
# real MediaWiki 1.43 with a throwaway SQLite wiki (tests/phpunit/integration).
phpunit: phpunit-unit phpunit-integration

phpunit-unit: php-ini build/.packages-CHECK
	PHP_INI_SCAN_DIR=:$(CURDIR)/build/php-ini phpunit -c tests/phpunit/unit/phpunit.xml

phpunit-integration: php-ini build/.packages-CHECK $(MW143)/includes/Defines.php
	$(WIKI) create $(WIKIS)/phpunit143 $(MW143) 8199
	MW_INSTALL_PATH=$(MW143) MW_CONFIG_FILE=$(WIKIS)/phpunit143/LocalSettings.php \
		PHP_INI_SCAN_DIR=:$(CURDIR)/build/php-ini phpunit -c tests/phpunit/integration/phpunit.xml

# One wiki on Debian's own MediaWiki, served by PHP-FPM behind nginx: a filter's
# CAPTCHA asked and answered, a clean edit saved, the emergency switch on every worker.
smoke: build build/.packages-WIKI
	tests/integration/smoke.sh $(MW_SYSTEM) $(WIKIS)

# The module with the test-only fault-injection feature, for tests/integration/test_faults.py.
faults-module: build/.packages-BUILD
	cargo build --release --features fault-injection --target-dir target/faults

# The unit suite under valgrind with PHP's allocator off (USE_ZEND_ALLOC=0), so
# every read and write of the module is checked; PCRE's JIT off, as valgrind
# cannot follow JIT-compiled code. Any error report fails the target. Not the
# integration suite: a MediaWiki boot under valgrind takes about 15 s per test
# process.
memcheck: php-ini build/.packages-TEST
	rm -rf build/valgrind && mkdir -p build/valgrind
	USE_ZEND_ALLOC=0 ZEND_DONT_UNLOAD_MODULES=1 PHP_INI_SCAN_DIR=:$(CURDIR)/build/php-ini \
		valgrind -q --trace-children=yes --log-file=$(CURDIR)/build/valgrind/%p.log \
		php -d pcre.jit=0 /usr/bin/phpunit -c tests/phpunit/unit/phpunit.xml
	@logs=$$(ls build/valgrind | wc -l); reports=$$(find build/valgrind -type f -name '*.log' -size +0 | wc -l); \
		echo "valgrind: $$logs processes, $$reports with errors"; \
		[ "$$logs" -gt 1 ] || { echo "valgrind did not follow phpunit's test processes"; exit 1; }; \
		[ "$$reports" -eq 0 ] || { find build/valgrind -type f -name '*.log' -size +0 -exec cat {} +; exit 1; }

# MediaWiki 1.39 (Debian 12's) and 1.43 side by side: on Debian 12.
integration: build faults-module build/.packages-TEST $(MW143)/includes/Defines.php
	@[ "$(DEBIAN_VERSION)" = 12 ] || { echo "make integration needs Debian 12's MediaWiki 1.39 beside 1.43;" \
		"on Debian $(DEBIAN_VERSION), run make check, make package and make packaged"; exit 1; }
	tests/integration/run.sh $(MW139) $(MW143) $(WIKIS)

# The other release's package installed with apt in a fresh Debian root of it,
# beside Debian's own MediaWiki, PHP-FPM and nginx, and the integration suites
# that apply there (on a Debian 12 machine: Debian 13, PHP 8.4, MediaWiki 1.43).
packaged: package build/.packages-TEST
	tests/integration/run-packaged.sh build/roots/$(OTHER_RELEASE)-base \
		build/packages/php-captchaguard_*+deb$(OTHER_VERSION)_amd64.deb $(WIKIS) 8261

# The full suite, as CI runs it (.ci/run).
test: check memcheck integration packaged

# The emergency check in the module against the same check in plain PHP over
# APCu, on both MediaWiki versions (wikis created, not served); then whole
# requests end to end (bench/end_to_end.py; N requests per wiki and case, over
# three rounds that move CaptchaGuard from wiki to wiki).
bench: build build/.packages-BENCH $(MW143)/includes/Defines.php
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
	@echo; echo "Instructions per request (callgrind), CaptchaGuard against the built-in showcaptcha:"
	bench/run-wikis.sh instructions

# Long-running workers: >= 50,000 mixed requests to 2 PHP-FPM workers never
# recycled; prints each worker's RSS and private memory (not part of make test).
# soak-baseline: the same mix on a wiki without CaptchaGuard.
soak: build build/.packages-WIKI $(MW143)/includes/Defines.php
	bench/run-wikis.sh soak $(or $(N),50000) $(or $(MINUTES),60)
soak-baseline: build build/.packages-WIKI $(MW143)/includes/Defines.php
	bench/run-wikis.sh soak-baseline $(or $(N),50000) $(or $(MINUTES),60)

# A wiki to try by hand (MediaWiki 1.43, on Debian 12 or 13): http://127.0.0.1:8080 (ConfirmEdit loaded
# first) and :8081 (CaptchaGuard loaded first). Stop it with `make demo-stop`.
demo: build build/.packages-WIKI $(MW143)/includes/Defines.php
	WIKI_EXTRA_SETTINGS='$$captchaGuardEditors = true;' $(WIKI) create $(WIKIS)/demo $(MW143) 8080
	$(WIKI) start $(WIKIS)/demo
	python3 tests/integration/demo_filter.py http://127.0.0.1:8080
	@echo
	@echo "CaptchaGuard demo wiki (MediaWiki 1.43, QuestyCaptcha): http://127.0.0.1:8080/"
	@echo "(and http://127.0.0.1:8081/: the same wiki with CaptchaGuard loaded before ConfirmEdit)."
	@echo "Edit any page as an anonymous user and add the words 'buy cheap' to see the CAPTCHA;"
	@echo "the answer to the question is 'guard'."
	@echo "Administrator: Admin / Guard-Admin-2026. Other users, all with password Guard-User-2026:"
	@echo "  Alice (no rights), Skipper (skipcaptcha), Exempt (captchaexempt), Botty (bot),"
	@echo "  Editor (filter editor), Sysop2 (administrator), Steward (steward), Checker (checkuser)."
	@echo "Emergency CAPTCHAs: http://127.0.0.1:8080/index.php?title=Special:EmergencyCaptcha"
	@echo "A maintenance script with the module loaded:"
	@echo "  MW_CONFIG_FILE=$(WIKIS)/demo/LocalSettings.php php -d extension=$(CURDIR)/$(MODULE) $(MW143)/maintenance/run.php SCRIPT"

demo-stop:
	$(WIKI) stop $(WIKIS)/demo

# The Debian roots' mounts first: nothing under build/ may lead into a host folder.
clean:
	packaging/debian-root.sh umount-all build/roots
	cargo clean
	rm -rf build
