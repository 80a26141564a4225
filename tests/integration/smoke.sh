#!/bin/bash
# make check's end-to-end smoke test: one wiki on Debian's own MediaWiki, served
# by PHP-FPM behind nginx with the module just built, where a filter's CAPTCHA
# is asked and answered, a clean edit saves, and the emergency switch reaches
# every worker. The full suites are run.sh's (make test).
#   smoke.sh MWROOT WIKIS_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mw=$1 wikis=$(realpath -m "$2") port=8251
wiki="$here/bin/wiki.sh"
trap '"$wiki" stop "$wikis/smoke"' EXIT
"$wiki" create "$wikis/smoke" "$mw" "$port"
"$wiki" start "$wikis/smoke"
cd "$here"
export CAPTCHAGUARD_WIKIS="smoke=$port" CAPTCHAGUARD_WIKIS_DIR="$wikis"
python3 -m unittest \
	-k test_api_anonymous_edit_needs_captcha_then_saves -k test_api_unflagged_edit_saves_without_captcha \
	-k test_api_switch_reaches_every_worker_within_the_refresh_time \
	test_captcha_actions test_emergency 2>&1 | tee "$wikis/smoke/tests.log"
# A renamed test would leave nothing to run, which unittest counts as a pass.
grep -Eq '^Ran ([3-9]|[1-9][0-9]+) tests' "$wikis/smoke/tests.log" || { echo "smoke.sh: fewer than 3 tests ran" >&2; exit 1; }
