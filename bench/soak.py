"""Long-running workers: at least 50,000 mixed requests to one MediaWiki 1.43
wiki served by 2 PHP-FPM workers that are never recycled (pm.max_requests = 0),
two clients at once so both workers stay busy. Prints each worker's RSS after
a warm-up and at the end; fails if a worker grew by 1 MB or more, was
replaced, or if a flagged edit was not challenged or a right answer not saved.

    soak.py PORT FPM_PID_FILE [REQUESTS] [MAX_MINUTES]"""

import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))
from test_captcha_actions import create_filter  # noqa: E402
from wikiclient import CAPTCHA_ANSWER, WikiClient, unique  # noqa: E402

LIMIT_KB = 1024


def workers(pid_file):
    with open(pid_file) as f:
        master = f.read().strip()
    with open(f"/proc/{master}/task/{master}/children") as f:
        return sorted(int(pid) for pid in f.read().split())


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def private_kb(pid):
    """Memory only this worker holds (no shared APCu or OPcache pages)."""
    total = 0
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith(("Private_Clean:", "Private_Dirty:")):
                total += int(line.split()[1])
    return total


class Mix:
    """One client's loop: a view, a clean edit, a flagged edit answered
    wrongly then rightly, a flagged edit answered rightly, a switch query."""

    def __init__(self, base):
        self.client = WikiClient(base)
        self.requests = 0
        self.problems = []
        self.counts = {"challenged": 0, "saved after answer": 0, "refused wrong answer": 0}

    def edit(self, title, text, **extra):
        self.requests += 1
        post = {"title": title, "text": text, "token": "+\\", **extra}
        return self.client.api(post=post, action="edit").get("edit", {})

    def check(self, ok, what, answer):
        if not ok:
            self.problems.append((what, answer))

    def flagged(self, wrong_first):
        title = unique("Soak flagged")
        asked = self.edit(title, "cg-soak-trigger text")
        self.check("captcha" in asked, "flagged edit not challenged", asked)
        if "captcha" not in asked:
            return
        self.counts["challenged"] += 1
        if wrong_first:
            again = self.edit(title, "cg-soak-trigger text", captchaid=asked["captcha"]["id"], captchaword="wrong")
            self.check("captcha" in again, "wrong answer not refused", again)
            if "captcha" not in again:
                return
            self.counts["refused wrong answer"] += 1
            asked = again
        saved = self.edit(title, "cg-soak-trigger text", captchaid=asked["captcha"]["id"],
                          captchaword=CAPTCHA_ANSWER)
        self.check(saved.get("result") == "Success", "right answer not saved", saved)
        if saved.get("result") == "Success":
            self.counts["saved after answer"] += 1

    def round(self):
        self.requests += 1
        response = self.client.request("/index.php", params={"title": "Soak_page"})
        self.check(response.status == 200, "view failed", response.status)
        clean = self.edit(unique("Soak clean"), "plain words")
        self.check(clean.get("result") == "Success", "clean edit not saved", clean)
        self.flagged(wrong_first=True)
        self.flagged(wrong_first=False)
        self.requests += 1
        self.client.api(action="query", meta="emergencycaptcha")


def main():
    port, pid_file = sys.argv[1], sys.argv[2]
    total = int(sys.argv[3]) if len(sys.argv) > 3 else 50_000
    max_minutes = float(sys.argv[4]) if len(sys.argv) > 4 else 60
    base = f"http://127.0.0.1:{port}"
    create_filter(base, "soak filter", 'added_lines irlike "cg-soak-trigger"', {"showcaptcha": {}})
    WikiClient(base).api(post={"title": "Soak page", "text": "Text.", "token": "+\\"}, action="edit")
    mixes = [Mix(base), Mix(base)]
    for _ in range(30):  # warm-up: caches filled, both workers past their first requests
        for mix in mixes:
            mix.round()
    pids = workers(pid_file)
    start = {pid: rss_kb(pid) for pid in pids}
    start_private = {pid: private_kb(pid) for pid in pids}
    warm = sum(m.requests for m in mixes)
    deadline = time.monotonic() + max_minutes * 60

    def run(mix):
        while sum(m.requests for m in mixes) - warm < total and time.monotonic() < deadline:
            mix.round()

    began = time.monotonic()
    threads = [threading.Thread(target=run, args=(mix,)) for mix in mixes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sent = sum(m.requests for m in mixes) - warm
    end_pids = workers(pid_file)
    print(f"{sent} requests in {(time.monotonic() - began) / 60:.1f} min after {warm} warm-up requests")
    print(f"{'worker':>8} {'RSS start kB':>13} {'RSS end kB':>11} {'growth kB':>10} {'private growth kB':>18}")
    failed = []
    for pid in pids:
        end = rss_kb(pid) if pid in end_pids else None
        growth = None if end is None else end - start[pid]
        private = None if end is None else private_kb(pid) - start_private[pid]
        print(f"{pid:>8} {start[pid]:>13} {end if end is not None else 'gone':>11} "
              f"{growth if growth is not None else '-':>10} {private if private is not None else '-':>18}")
        if growth is None:
            failed.append(f"worker {pid} was replaced")
        elif growth >= LIMIT_KB:
            failed.append(f"worker {pid} grew by {growth} kB")
    counts = {k: sum(m.counts[k] for m in mixes) for k in mixes[0].counts}
    print(", ".join(f"{k}: {v}" for k, v in counts.items()))
    problems = [p for m in mixes for p in m.problems]
    if sent < total:
        failed.append(f"only {sent} of {total} requests within {max_minutes} minutes")
    if problems:
        failed.append(f"{len(problems)} wrong outcomes, first: {problems[0]}")
    if failed:
        print("FAILED: " + "; ".join(failed))
        sys.exit(1)
    print(f"OK: every flagged edit challenged, every right answer saved, growth under {LIMIT_KB} kB per worker")


if __name__ == "__main__":
    main()
