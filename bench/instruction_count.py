"""Instructions per clean, flagged and answered anonymous API edit, counted by
callgrind (issue 23, item 4). Not part of make bench: it needs a wiki served
by one PHP-FPM worker under valgrind, which this script does not start.

Setup, for each of two wikis installed alike (MediaWiki 1.43,
$wgConfirmEditEnabledAbuseFilterCustomActions = [ "showcaptcha" ], one with
the module and one with WIKI_MODULE=none, so with ConfirmEdit's built-in
showcaptcha) and a showcaptcha filter on 'added_lines irlike "countflag"':
copy the wiki's fpm.conf with daemonize = no, pm.max_children = 1 and
pm.max_requests = 36, and start it as
  valgrind --tool=callgrind --callgrind-out-file=OUT.%p php-fpm8.2 -F -y CONF -p DIR
with the wiki's nginx. Each worker writes its count when it exits after 36
requests; the first worker warms up, the next three serve 36 clean edits,
36 flagged edits (asked for a CAPTCHA) and 18 flagged edits each answered.

Usage: instruction_count.py PORT OUT
"""
import sys, time, glob, os
sys.path.insert(0, "/work/main/tests/integration")
from wikiclient import WikiClient, unique
port, out = sys.argv[1], sys.argv[2]
base = f"http://127.0.0.1:{port}"
def edit(c, title, text, **a):
    return c.api(post={"title": title, "text": text, "token": "+\\", **a}, action="edit")
def clean():
    r = edit(WikiClient(base), unique("Count clean"), "plain words"); assert r["edit"]["result"] == "Success", r
def flagged():
    c = WikiClient(base); t = unique("Count flagged")
    r = edit(c, t, "countflag words"); assert r["edit"]["captcha"], r
    return c, t, r["edit"]["captcha"]
def pair():
    c, t, cap = flagged()
    r = edit(c, t, "countflag words", captchaid=cap["id"], captchaword="guard"); assert r["edit"]["result"] == "Success", r
def files():
    return {f for f in glob.glob(out + ".*")}
def ir(f):
    for line in open(f, errors="replace"):
        if line.startswith("summary:"):
            return int(line.split()[1])
    return 0
def worker(name, fn, calls):
    before = files()
    for _ in range(calls):
        fn()
    for _ in range(120):
        new = [f for f in files() - before if os.path.getsize(f) > 0]
        if new:
            time.sleep(2)
            total = ir(new[0])
            print(f"{name}: {total/1e9:.3f} G instructions for 36 requests", flush=True)
            return total
        time.sleep(1)
    raise SystemExit(f"{name}: no profile written")
worker("warm-up", lambda: (clean(), pair()), 12)
t_clean = worker("clean x36", clean, 36)
t_flag = worker("flagged x36", lambda: flagged(), 36)
t_pair = worker("(flagged, answered) x18", pair, 18)
print(f"RESULT per request, M instructions: clean {t_clean/36/1e6:.2f}, flagged {t_flag/36/1e6:.2f}, answered {(t_pair - t_flag/2)/18/1e6:.2f}")
