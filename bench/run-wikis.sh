#!/bin/bash
# Serves the benchmark wikis for one command, and stops them after it.
#   run-wikis.sh end-to-end N    bench/end_to_end.py: bench-1 (8201), bench-2 (8211), bench-3 (8221),
#                                installed alike; end_to_end.py moves CaptchaGuard between them, the
#                                others use ConfirmEdit's built-in showcaptcha
#   run-wikis.sh instructions    bench/instruction_count.py: count-cg (8251) with CaptchaGuard,
#                                count-builtin (8261) with ConfirmEdit's built-in showcaptcha
#   run-wikis.sh soak N MINUTES  bench/soak.py: soak (8231)
#   run-wikis.sh soak-baseline N MINUTES  the same without CaptchaGuard: soak-plain (8241)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
wikis="$repo/build/wikis" mw="${MW143:-$repo/build/mw143/usr/share/mediawiki}"
# The wikis serve a copy of the checkout as it is now (PHP, extension.json, the
# module): these runs take up to two hours, and a checkout edited or rebuilt
# meanwhile must not change what they measure.
frozen="$repo/build/frozen-$1"
rm -rf "$frozen" && mkdir -p "$frozen/target/release"
tar -C "$repo" --exclude=./build --exclude=./target --exclude=./.git -cf - . | tar -C "$frozen" -xf -
cp "$repo/target/release/libcaptchaguard.so" "$frozen/target/release/"
wiki="$frozen/tests/integration/bin/wiki.sh"
case "$1" in
	end-to-end)
		names=( bench-1 bench-2 bench-3 )
		# ConfirmEdit 1.43's own showcaptcha, which the wikis without CaptchaGuard use;
		# no test extension on CaptchaGuard's hook.
		for i in 1 2 3; do
			WIKI_EXTRA_SETTINGS='$wgConfirmEditEnabledAbuseFilterCustomActions = [ "showcaptcha" ]; $captchaGuardBench = true;' \
				"$wiki" create "$wikis/bench-$i" "$mw" $((8191 + 10 * i))
		done ;;
	instructions)
		names=( count-cg count-builtin )
		settings='$wgConfirmEditEnabledAbuseFilterCustomActions = [ "showcaptcha" ]; $captchaGuardBench = true; $captchaGuardInstructionCount = true;'
		WIKI_EXTRA_SETTINGS="$settings" "$wiki" create "$wikis/count-cg" "$mw" 8251
		WIKI_MODULE=none WIKI_EXTRA_SETTINGS="$settings" "$wiki" create "$wikis/count-builtin" "$mw" 8261 ;;
	soak)
		names=( soak )
		"$wiki" create "$wikis/soak" "$mw" 8231 ;;
	soak-baseline)
		names=( soak-plain )
		WIKI_MODULE=none "$wiki" create "$wikis/soak-plain" "$mw" 8241 ;;
	*) echo "usage: $0 end-to-end N | instructions | soak N MINUTES | soak-baseline N MINUTES" >&2; exit 2 ;;
esac
trap 'for w in "${names[@]}"; do "$wiki" stop "$wikis/$w"; done' EXIT
case "$1" in
	end-to-end) python3 "$frozen/bench/end_to_end.py" "$wiki" "${names[@]/#/$wikis/}" \
		"$frozen/target/release/libcaptchaguard.so" "$2" ;;
	instructions) python3 "$frozen/bench/instruction_count.py" "$wiki" "$wikis/count-cg" "$wikis/count-builtin" ;;
	soak) "$wiki" start "$wikis/soak"; python3 "$frozen/bench/soak.py" 8231 "$wikis/soak/fpm.pid" "$2" "$3" ;;
	soak-baseline) "$wiki" start "$wikis/soak-plain"; python3 "$frozen/bench/soak.py" 8241 "$wikis/soak-plain/fpm.pid" "$2" "$3" --without-captchaguard ;;
esac
