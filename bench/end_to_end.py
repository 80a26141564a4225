"""What a request costs with CaptchaGuard, end to end: three MediaWiki 1.43
wikis under PHP-FPM (2 workers each) behind nginx, identical but for
CaptchaGuard: "cg" has it, "a" and "b" do not (their difference is the A/A
floor: what two identical wikis differ by on this machine). Requests rotate
among the three, so drift hits all alike. Each wiki has its own cache
directory and the same filter (showcaptcha on cg, disallow on a and b) that
clean edits do not match.

    end_to_end.py CG_PORT A_PORT B_PORT [N]

Prints medians and p95 per wiki and the ratios cg/(a,b) against a/b."""

import statistics
import sys
import time
import os

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))
from test_captcha_actions import create_filter  # noqa: E402
from wikiclient import WikiClient, unique  # noqa: E402

RULE = 'added_lines irlike "cg-bench-trigger"'


def timed(call):
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def view(client, title):
    def call():
        response = client.request("/index.php", params={"title": title})
        assert response.status == 200, response.status
    return call


def api_edit(client, text, expect):
    def call():
        answer = client.api(post={"title": unique("Bench"), "text": text, "token": "+\\"}, action="edit")
        outcome = answer.get("edit", {}).get("result") or answer.get("error", {}).get("code")
        assert outcome in expect, answer
    return call


CASES = {
    "page view": lambda c: view(c, "Bench_page"),
    "clean API edit": lambda c: api_edit(c, "plain words", {"Success"}),
    "flagged API edit": lambda c: api_edit(c, "cg-bench-trigger", {"Failure", "abusefilter-disallowed"}),
}


def p95(values):
    ordered = sorted(values)
    return ordered[int(len(ordered) * 0.95) - 1]


def main():
    ports = dict(zip(("cg", "a", "b"), sys.argv[1:4]))
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 400
    bases = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    for name, base in bases.items():
        create_filter(base, "bench filter", RULE, {"showcaptcha" if name == "cg" else "disallow": {}})
        WikiClient(base).api(post={"title": "Bench page", "text": "Some text.", "token": "+\\"}, action="edit")
    # A client per wiki and case: a CAPTCHA gives its client a session, which
    # every later request of that client would then load.
    clients = {(case, name): WikiClient(base) for case in CASES for name, base in bases.items()}
    cases = CASES
    samples = {case: {name: [] for name in bases} for case in cases}
    # Warm every worker first: localisation caches, opcache.
    for _ in range(20):
        for case, make in cases.items():
            for name in bases:
                timed(make(clients[case, name]))
    order = list(bases)
    for i in range(n):
        for case, make in cases.items():
            rotated = order[i % 3:] + order[:i % 3]
            for name in rotated:
                samples[case][name].append(timed(make(clients[case, name])))
    print(f"MediaWiki 1.43, PHP-FPM 2 workers per wiki, n = {n} per wiki and case, requests rotated")
    print(f"{'case':<18} {'wiki':<4} {'median ms':>10} {'p95 ms':>8}")
    for case in cases:
        for name in bases:
            values = samples[case][name]
            print(f"{case:<18} {name:<4} {statistics.median(values):>10.2f} {p95(values):>8.2f}")
    print()
    print(f"{'case':<18} {'cg/mean(a,b)':>13} {'A/A a/b':>9} {'cg - mean(a,b) ms':>18}")
    for case in cases:
        med = {name: statistics.median(samples[case][name]) for name in bases}
        floor = (med["a"] + med["b"]) / 2
        print(f"{case:<18} {med['cg'] / floor:>13.3f} {med['a'] / med['b']:>9.3f} {med['cg'] - floor:>18.2f}")
    print("(flagged API edit: cg asks for a CAPTCHA, a and b refuse the edit: the cost of the CAPTCHA action"
          " over AbuseFilter's own disallow)")


if __name__ == "__main__":
    main()
