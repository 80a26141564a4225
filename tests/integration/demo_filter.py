"""Adds the demo wiki's sample filter: a CAPTCHA for edits adding 'buy cheap'."""

import sys

from test_captcha_actions import create_filter

if __name__ == "__main__":
    base = sys.argv[1]
    filter_id = create_filter(
        base,
        "Possible spam: ask for a CAPTCHA",
        'added_lines irlike "buy cheap"',
        {"showcaptcha": {}},
    )
    print(f"Sample filter {filter_id}: {base}/index.php?title=Special:AbuseFilter/{filter_id}")
