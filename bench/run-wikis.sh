#!/bin/bash
# Serves the benchmark wikis for one command, and stops them after it.
#   run-wikis.sh end-to-end N    bench/end_to_end.py: cg (8201), a (8211), b (8221)
#   run-wikis.sh soak N MINUTES  bench/soak.py: soak (8231)
#   run-wikis.sh soak-baseline N MINUTES  the same without CaptchaGuard: soak-plain (8241)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
wiki="$repo/tests/integration/bin/wiki.sh" wikis="$repo/build/wikis"
mw="$repo/build/mw143/usr/share/mediawiki"
case "$1" in
	end-to-end)
		names=( bench-cg bench-a bench-b )
		"$wiki" create "$wikis/bench-cg" "$mw" 8201
		WIKI_MODULE=none "$wiki" create "$wikis/bench-a" "$mw" 8211
		WIKI_MODULE=none "$wiki" create "$wikis/bench-b" "$mw" 8221 ;;
	soak)
		names=( soak )
		"$wiki" create "$wikis/soak" "$mw" 8231 ;;
	soak-baseline)
		names=( soak-plain )
		WIKI_MODULE=none "$wiki" create "$wikis/soak-plain" "$mw" 8241 ;;
	*) echo "usage: $0 end-to-end N | soak N MINUTES | soak-baseline N MINUTES" >&2; exit 2 ;;
esac
trap 'for w in "${names[@]}"; do "$wiki" stop "$wikis/$w"; done' EXIT
for w in "${names[@]}"; do "$wiki" start "$wikis/$w"; done
case "$1" in
	end-to-end) python3 "$repo/bench/end_to_end.py" 8201 8211 8221 "$2" ;;
	soak) python3 "$repo/bench/soak.py" 8231 "$wikis/soak/fpm.pid" "$2" "$3" ;;
	soak-baseline) python3 "$repo/bench/soak.py" 8241 "$wikis/soak-plain/fpm.pid" "$2" "$3" --without-captchaguard ;;
esac
