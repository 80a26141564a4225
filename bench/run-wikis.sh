#!/bin/bash
# Serves the benchmark wikis for one command, and stops them after it.
#   run-wikis.sh end-to-end N    bench/end_to_end.py: bench-1 (8201), bench-2 (8211), bench-3 (8221),
#                                installed alike; end_to_end.py moves CaptchaGuard between them
#   run-wikis.sh soak N MINUTES  bench/soak.py: soak (8231)
#   run-wikis.sh soak-baseline N MINUTES  the same without CaptchaGuard: soak-plain (8241)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
wiki="$repo/tests/integration/bin/wiki.sh" wikis="$repo/build/wikis"
mw="$repo/build/mw143/usr/share/mediawiki"
case "$1" in
	end-to-end)
		names=( bench-1 bench-2 bench-3 )
		for i in 1 2 3; do "$wiki" create "$wikis/bench-$i" "$mw" $((8191 + 10 * i)); done ;;
	soak)
		names=( soak )
		"$wiki" create "$wikis/soak" "$mw" 8231 ;;
	soak-baseline)
		names=( soak-plain )
		WIKI_MODULE=none "$wiki" create "$wikis/soak-plain" "$mw" 8241 ;;
	*) echo "usage: $0 end-to-end N | soak N MINUTES | soak-baseline N MINUTES" >&2; exit 2 ;;
esac
trap 'for w in "${names[@]}"; do "$wiki" stop "$wikis/$w"; done' EXIT
case "$1" in
	end-to-end) python3 "$repo/bench/end_to_end.py" "$wiki" "${names[@]/#/$wikis/}" \
		"$repo/target/release/libcaptchaguard.so" "$2" ;;
	soak) "$wiki" start "$wikis/soak"; python3 "$repo/bench/soak.py" 8231 "$wikis/soak/fpm.pid" "$2" "$3" ;;
	soak-baseline) "$wiki" start "$wikis/soak-plain"; python3 "$repo/bench/soak.py" 8241 "$wikis/soak-plain/fpm.pid" "$2" "$3" --without-captchaguard ;;
esac
