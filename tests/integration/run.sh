#!/bin/bash
# Integration tests against real wikis: MediaWiki 1.39 and 1.43 on SQLite
# (CAPTCHA actions, emergency switch), a farm of twenty wikis on MariaDB
# sharing one emergency switch table (two installed, eighteen copies; one
# PHP-FPM pool), hCaptcha with a fallback CAPTCHA on both versions, faults (panics, fatal errors, time-outs) in a
# one-worker wiki, two wikis on two application servers each (MariaDB,
# memcached; hCaptcha and QuestyCaptcha), and update.php from the 0.1 schema.
# Every server is stopped when this exits.
#   run.sh MW139_ROOT MW143_ROOT WIKIS_DIR
set -euo pipefail
mw139=$1 mw143=$2 wikis=$3
here=$(cd "$(dirname "$0")" && pwd)
wiki="$here/bin/wiki.sh"
mariadb="$here/bin/mariadb.sh"
memcached="$here/bin/memcached.sh"

cleanup() {
	for w in mw139 mw143 editors farm1 farm2 hc139 hc143 hcve hcfallback139 hcfallback faults multi multiquesty; do "$wiki" stop "$wikis/$w" 2>/dev/null || true; done
	"$mariadb" stop "$wikis/mariadb" || true
	"$memcached" stop "$wikis/memcached" || true
}
trap cleanup EXIT

"$wiki" create "$wikis/mw139" "$mw139" 8101
# Page views on mw143 start the purge of aged CheckUser-level hits every 2 s (test_sensitive).
WIKI_EXTRA_SETTINGS='$wgCaptchaGuardSensitivePurgeInterval = 2;' "$wiki" create "$wikis/mw143" "$mw143" 8111
# The editors people use (VisualEditor, DiscussionTools, the mobile skin), driven
# by headless Chromium.
WIKI_EXTRA_SETTINGS='$captchaGuardEditors = true;' "$wiki" create "$wikis/editors" "$mw143" 8105
# A fresh server each run: the farm wikis are created anew below.
"$mariadb" stop "$wikis/mariadb"
rm -rf "$wikis/mariadb"
"$mariadb" start "$wikis/mariadb" 3307
# farm2 is served by farm1's PHP-FPM pool: one pool, two wikis, as farms run them.
# farm3 … farm20, copies of farm2's database, are served by farm2's server too,
# picked by host name (farm7.test), as farms pick a wiki: one pool serves more
# wikis than a worker once kept switches for (16).
# Strict SQL mode (MediaWiki turns it off by default): a value too long or a
# missing column is an error, as on many MariaDB servers.
farm_wikis=$(seq -s ', ' -f '"farm%g"' 1 20)
for n in 1 2; do
	WIKI_DB="mysql:127.0.0.1:3307:farm$n" \
	WIKI_EXTRA_SETTINGS='$wgCaptchaGuardEmergencyDatabase = "farm1"; $wgLocalDatabases = [ '"$farm_wikis"' ];
if ( preg_match( "/^(farm(?:[3-9]|1[0-9]|20))\\.test(:[0-9]+)?$/", $_SERVER["HTTP_HOST"] ?? "", $m ) ) {
	$wgDBname = $m[1];
}
$wgSQLMode = "STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION";' \
	WIKI_FPM_FROM=$([ $n = 2 ] && echo "$wikis/farm1" || true) \
		"$wiki" create "$wikis/farm$n" "$mw143" $((8131 + n * 10))
done
for n in $(seq 3 20); do
	mariadb --no-defaults -S "$wikis/mariadb/mysqld.sock" -u root -e "CREATE DATABASE farm$n"
	mariadb-dump --no-defaults -S "$wikis/mariadb/mysqld.sock" -u root farm2 |
		mariadb --no-defaults -S "$wikis/mariadb/mysqld.sock" -u root "farm$n"
done
# Wikis using CaptchaGuard's hCaptcha class against the test's fake siteverify.
hcaptcha_settings=$(cat "$here/hcaptcha-settings.php")
WIKI_EXTRA_SETTINGS="$hcaptcha_settings" "$wiki" create "$wikis/hc139" "$mw139" 8161
# hc143 hands its events to EventLogging (a stand-in that checks them as the real one does).
eventlogging_settings='wfLoadExtension( "EventLogging", "'"$here"'/eventlogging-standin/extension.json" );
$wgEventLoggingStandInFile = __DIR__ . "/eventlogging.jsonl";
$wgDebugLogGroups["EventLogging"] = __DIR__ . "/eventlogging.log";'
WIKI_EXTRA_SETTINGS="$hcaptcha_settings
$eventlogging_settings" "$wiki" create "$wikis/hc143" "$mw143" 8171
# VisualEditor with hCaptcha (the widget a stand-in served by fake_siteverify.py).
WIKI_EXTRA_SETTINGS="$hcaptcha_settings
\$captchaGuardEditors = true;" "$wiki" create "$wikis/hcve" "$mw143" 8165
# hCaptcha with QuestyCaptcha as the fallback while siteverify fails (3 in a row, for 4 s).
fallback_settings="$hcaptcha_settings
$(cat "$here/hcaptcha-fallback-settings.php")"
WIKI_EXTRA_SETTINGS="$fallback_settings" "$wiki" create "$wikis/hcfallback139" "$mw139" 8177
WIKI_EXTRA_SETTINGS="$fallback_settings" "$wiki" create "$wikis/hcfallback" "$mw143" 8175
# One worker with the fault-injection build of the module: every request of a
# fault test goes to the worker that just panicked or died.
WIKI_MODULE="$here/../../target/faults/release/libcaptchaguard.so" WIKI_FPM_WORKERS=1 \
WIKI_EXTRA_SETTINGS='$captchaGuardFaultTests = true;
$wgDebugLogGroups["exception"] = __DIR__ . "/exception.log";' \
	"$wiki" create "$wikis/faults" "$mw143" 8181
# Two application servers for one wiki (MariaDB; sessions and stash in memcached).
"$memcached" start "$wikis/memcached" 11311
WIKI_DB="mysql:127.0.0.1:3307:multi" WIKI_SERVERS=2 WIKI_EXTRA_SETTINGS="$hcaptcha_settings
\$wgCaptchaTriggers['edit'] = false;
\$captchaGuardMemcached = '127.0.0.1:11311';" \
	"$wiki" create "$wikis/multi" "$mw143" 8191
# The same with QuestyCaptcha, whose answers live in the session: one answer, one action across servers.
WIKI_DB="mysql:127.0.0.1:3307:multiquesty" WIKI_SERVERS=2 \
WIKI_EXTRA_SETTINGS="\$captchaGuardMemcached = '127.0.0.1:11311';" \
	"$wiki" create "$wikis/multiquesty" "$mw143" 8195
for w in mw139 mw143 editors farm1 farm2 hc139 hc143 hcve hcfallback139 hcfallback faults multi multiquesty; do "$wiki" start "$wikis/$w"; done

cd "$here"
export CAPTCHAGUARD_WIKIS=mw139=8101,mw143=8111 CAPTCHAGUARD_WIKIS_DIR="$wikis"
export CAPTCHAGUARD_FARM=8141,8151
# The emergency switch affects every edit of a wiki, so its tests run after the others.
python3 -m unittest -v test_captcha_actions
# Page moves (issue 21, item 1).
python3 -m unittest -v test_moves
# Uploads (issue 21, item 2).
python3 -m unittest -v test_uploads
# The CaptchaGuardBeforeChallenge hook, used by a test extension (issue 21, item 4).
python3 -m unittest -v test_hook
# One right answer, one action: parallel requests (issue 21, item 5).
CAPTCHAGUARD_SINGLE_USE_SERVERS=multiquesty=8195 python3 -m unittest -v test_single_use
# Debian's python3-selenium drives Debian's chromium; screenshots in build/screenshots/.
rm -rf "$here/../../build/screenshots"
CAPTCHAGUARD_EDITORS_WIKI=editors=8105 /usr/bin/python3 -m unittest -v test_editors
python3 -m unittest -v test_emergency
# CAPTCHA outcomes per filter (issue 24): switches the emergency CAPTCHA on for a moment too.
CAPTCHAGUARD_SENSITIVE_WIKI=mw143=8111 python3 -m unittest -v test_outcomes
python3 -m unittest -v test_farm
CAPTCHAGUARD_HCAPTCHA_WIKIS=hc139=8161,hc143=8171 python3 -m unittest -v test_risk_score
# The always-challenge site key (issue 23, item 3): the API and forms on 1.39 and 1.43, VisualEditor in Chromium.
CAPTCHAGUARD_HCAPTCHA_WIKIS=hc139=8161,hc143=8171 CAPTCHAGUARD_HCAPTCHA_EDITORS_WIKI=hcve=8165 \
	/usr/bin/python3 -m unittest -v test_hcaptcha_keys
# Metrics on a loopback statsd listener (issue 23, item 2); switches the emergency CAPTCHA on for a moment.
CAPTCHAGUARD_METRICS_WIKI=mw143=8111 CAPTCHAGUARD_METRICS_HCAPTCHA_WIKI=hc143=8171 python3 -m unittest -v test_metrics
# hCaptcha's fallback while siteverify fails (issue 23, item 3).
CAPTCHAGUARD_FALLBACK_WIKI=hcfallback139=8177 python3 -m unittest -v test_hcaptcha_fallback
CAPTCHAGUARD_FALLBACK_WIKI=hcfallback=8175 python3 -m unittest -v test_hcaptcha_fallback
CAPTCHAGUARD_FAULTS_WIKI=faults=8181 python3 -m unittest -v test_faults
CAPTCHAGUARD_SENSITIVE_WIKI=mw143=8111 CAPTCHAGUARD_SENSITIVE_HCAPTCHA_WIKI=hc143=8171 \
	CAPTCHAGUARD_SENSITIVE_OLD_WIKI=mw139=8101 /usr/bin/python3 -m unittest -v test_sensitive
# Issue 19's reproducers, on SQLite and on the MariaDB farm (where afl_id = '1x' matches 1).
CAPTCHAGUARD_DECISIONS_WIKIS=mw143=8111,farm1=8141 python3 -m unittest -v test_sensitive_decisions
# Every AbuseFilter page, API module and prop, as anonymous, sysop, filter editor and checkuser.
CAPTCHAGUARD_DECISIONS_WIKIS=mw143=8111,farm1=8141 \
	CAPTCHAGUARD_ABUSEFILTER_JSON="$mw143/extensions-core/AbuseFilter/extension.json" \
	python3 -m unittest -v test_sensitive_sweep
CAPTCHAGUARD_MULTISERVER=multi=8191 CAPTCHAGUARD_MEMCACHED=127.0.0.1:11311 python3 -m unittest -v test_multiserver
# Replaces the switch tables of mw139, mw143 and farm1 with CaptchaGuard 0.1's: last.
python3 -m unittest -v test_schema_update
