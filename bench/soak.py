"""Long-running workers: at least 50,000 mixed requests to one MediaWiki 1.43
wiki served by 2 PHP-FPM workers that are never recycled (pm.max_requests = 0),
two clients at once so both workers stay busy. Reads each worker's RSS and
private memory 200 times over the run and prints them after a warm-up, at
every tenth of the run and at the end; fails if a worker's private memory
outside the Zend heap grew by 1 MB or more (mean of the last tenth's readings
against the first tenth's), a worker was replaced, or a flagged edit was not
challenged or a right answer not saved.

VmRSS also counts the pages of shared memory a worker has touched: APCu,
where MediaWiki keeps its local-server cache, and OPcache. Those fill up to
their configured size as the wiki sees new keys and scripts, in whichever
worker touches them first, so VmRSS growth is printed but the limit is on
private memory outside the Zend heap (see private_kb), which is what a leak
in a worker would grow.

    soak.py PORT FPM_PID_FILE [REQUESTS] [MAX_MINUTES] [--without-captchaguard]

--without-captchaguard: the same mix against a wiki without CaptchaGuard,
whose filter disallows the flagged edits (the baseline: what MediaWiki alone
grows by)."""

import os
import statistics
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


CHUNK = 2 << 20  # the Zend allocator's chunk: 2 MB, aligned on 2 MB


def private_kb(pid):
    """(kept, zend_heap): memory this worker alone holds in its own mappings,
    split into the Zend request heap and everything else. The Zend heap
    (anonymous mappings made of whole, aligned 2 MB chunks) is emptied at the
    end of every request, but the allocator keeps as many chunks as recent
    requests peaked at, so it follows how big requests are, not what is kept.
    Everything else (the C and Rust heaps, the binaries' data, PCRE's JIT
    code) is what can outlive a request, so a leak grows it. Shared mappings
    (APCu and OPcache's segments) are left out even where only this worker
    has touched a page, which smaps counts as private."""
    kept = zend_heap = 0
    shared = chunks = False
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            fields = line.split()
            if "-" in fields[0] and len(fields) >= 5 and len(fields[1]) == 4:
                shared = fields[1][3] == "s"
                low, high = (int(x, 16) for x in fields[0].split("-"))
                chunks = len(fields) == 5 and low % CHUNK == 0 and (high - low) % CHUNK == 0
            elif not shared and fields[0] in ("Private_Clean:", "Private_Dirty:"):
                if chunks:
                    zend_heap += int(fields[1])
                else:
                    kept += int(fields[1])
    return kept, zend_heap


class Mix:
    """One client's loop: a view, a clean edit, a flagged edit answered
    wrongly then rightly, a flagged edit answered rightly, a switch query."""

    def __init__(self, base, with_captchaguard):
        self.client = WikiClient(base)
        self.with_captchaguard = with_captchaguard
        self.requests = 0
        self.problems = []
        counted = ("challenged", "saved after answer", "refused wrong answer") if with_captchaguard else ("disallowed",)
        self.counts = dict.fromkeys(counted, 0)

    def edit(self, title, text, **extra):
        self.requests += 1
        post = {"title": title, "text": text, "token": "+\\", **extra}
        return self.client.api(post=post, action="edit")

    def check(self, ok, what, answer):
        if not ok:
            self.problems.append((what, answer))

    def flagged(self, wrong_first):
        title = unique("Soak flagged")
        if not self.with_captchaguard:
            # As many attempts as the CAPTCHA flow sends, each refused by the filter.
            for _ in range(3 if wrong_first else 2):
                refused = self.edit(title, "cg-soak-trigger text")
                self.check(refused.get("error", {}).get("code") == "abusefilter-disallowed",
                           "flagged edit not disallowed", refused)
            self.counts["disallowed"] += 1
            return
        asked = self.edit(title, "cg-soak-trigger text").get("edit", {})
        self.check("captcha" in asked, "flagged edit not challenged", asked)
        if "captcha" not in asked:
            return
        self.counts["challenged"] += 1
        if wrong_first:
            again = self.edit(title, "cg-soak-trigger text", captchaid=asked["captcha"]["id"],
                              captchaword="wrong").get("edit", {})
            self.check("captcha" in again, "wrong answer not refused", again)
            if "captcha" not in again:
                return
            self.counts["refused wrong answer"] += 1
            asked = again
        saved = self.edit(title, "cg-soak-trigger text", captchaid=asked["captcha"]["id"],
                          captchaword=CAPTCHA_ANSWER).get("edit", {})
        self.check(saved.get("result") == "Success", "right answer not saved", saved)
        if saved.get("result") == "Success":
            self.counts["saved after answer"] += 1

    def round(self):
        self.requests += 1
        response = self.client.request("/index.php", params={"title": "Soak_page"})
        self.check(response.status == 200, "view failed", response.status)
        clean = self.edit(unique("Soak clean"), "plain words").get("edit", {})
        self.check(clean.get("result") == "Success", "clean edit not saved", clean)
        self.flagged(wrong_first=True)
        self.flagged(wrong_first=False)
        self.requests += 1
        self.client.api(action="query", meta="emergencycaptcha")


SAMPLES = 200  # memory readings per run, one every total / SAMPLES requests


def memory(pids):
    """{pid: (VmRSS, private memory outside the Zend heap, Zend heap)} in kB."""
    return {pid: (rss_kb(pid), *private_kb(pid)) for pid in pids}


def tenth_means(samples, pid, which):
    """Mean of a worker's readings in the first and in the last tenth of the
    run: PHP's allocator keeps or returns whole 2 MB chunks from one request
    to the next, so a single reading moves by 2 MB either way; a leak moves
    every reading after it."""
    values = [reading[pid][which] for _, reading in samples if pid in reading]
    tenth = max(len(values) // 10, 1)
    return statistics.mean(values[:tenth]), statistics.mean(values[-tenth:])


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    with_captchaguard = "--without-captchaguard" not in sys.argv
    port, pid_file = args[0], args[1]
    total = int(args[2]) if len(args) > 2 else 50_000
    max_minutes = float(args[3]) if len(args) > 3 else 60
    base = f"http://127.0.0.1:{port}"
    action = "showcaptcha" if with_captchaguard else "disallow"
    create_filter(base, "soak filter", 'added_lines irlike "cg-soak-trigger"', {action: {}})
    WikiClient(base).api(post={"title": "Soak page", "text": "Text.", "token": "+\\"}, action="edit")
    mixes = [Mix(base, with_captchaguard), Mix(base, with_captchaguard)]
    for _ in range(30):  # warm-up: caches filled, both workers past their first requests
        for mix in mixes:
            mix.round()
    pids = workers(pid_file)
    warm = sum(m.requests for m in mixes)
    deadline = time.monotonic() + max_minutes * 60
    sent = lambda: sum(m.requests for m in mixes) - warm  # noqa: E731
    samples = []

    def sample(count, show):
        alive = workers(pid_file)
        samples.append((count, memory(pid for pid in pids if pid in alive)))
        if show:
            reading = samples[-1][1]
            print(f"{count:>8} " + " ".join(" ".join(f"{value:>14}" for value in reading[pid])
                                            if pid in reading else f"{'gone':>44}" for pid in pids), flush=True)

    print(f"{'requests':>8} " + " ".join(f"{f'{pid} RSS kB':>14} {'private kB':>14} {'Zend heap kB':>14}"
                                         for pid in pids), flush=True)
    sample(0, True)

    def run(mix, sampler):
        every, tenth = max(total // SAMPLES, 1), max(total // 10, 1)
        next_sample, next_shown = every, tenth
        while sent() < total and time.monotonic() < deadline:
            mix.round()
            count = sent()
            if sampler and count >= next_sample:
                sample(count, count >= next_shown)
                next_sample = (count // every + 1) * every
                next_shown = max(next_shown, (count // tenth + 1) * tenth)

    began = time.monotonic()
    threads = [threading.Thread(target=run, args=(mix, i == 0)) for i, mix in enumerate(mixes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sample(sent(), True)
    print(f"{sent()} requests in {(time.monotonic() - began) / 60:.1f} min after {warm} warm-up requests, "
          f"{'with' if with_captchaguard else 'without'} CaptchaGuard, {len(samples)} memory readings")
    print("Private memory outside the Zend heap and the Zend heap: means of the first and the last tenth's readings")
    print(f"{'worker':>8} {'RSS start kB':>13} {'RSS end kB':>11} {'RSS growth':>11} "
          f"{'private first kB':>17} {'last kB':>8} {'growth kB':>10} {'Zend heap first kB':>19} {'last kB':>8}")
    failed = []
    first, last = samples[0][1], samples[-1][1]
    for pid in pids:
        if pid not in last:
            print(f"{pid:>8} replaced")
            failed.append(f"worker {pid} was replaced")
            continue
        early, late = tenth_means(samples, pid, 1)
        heap_early, heap_late = tenth_means(samples, pid, 2)
        growth = late - early
        print(f"{pid:>8} {first[pid][0]:>13} {last[pid][0]:>11} {last[pid][0] - first[pid][0]:>11} "
              f"{early:>17.0f} {late:>8.0f} {growth:>10.0f} {heap_early:>19.0f} {heap_late:>8.0f}")
        if growth >= LIMIT_KB:
            failed.append(f"worker {pid}'s private memory outside the Zend heap grew by {growth:.0f} kB")
    counts = {k: sum(m.counts[k] for m in mixes) for k in mixes[0].counts}
    print(", ".join(f"{k}: {v}" for k, v in counts.items()) + " (warm-up included)")
    problems = [p for m in mixes for p in m.problems]
    if sent() < total:
        failed.append(f"only {sent()} of {total} requests within {max_minutes} minutes")
    if problems:
        failed.append(f"{len(problems)} wrong outcomes, first: {problems[0]}")
    if failed:
        print("FAILED: " + "; ".join(failed))
        sys.exit(1)
    what = "every flagged edit challenged, every right answer saved" if with_captchaguard \
        else "every flagged edit disallowed"
    print(f"OK: {what}, private memory outside the Zend heap grew by less than {LIMIT_KB} kB per worker")


if __name__ == "__main__":
    main()
