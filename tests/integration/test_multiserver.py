"""One wiki (MediaWiki 1.43) on two application servers: two PHP-FPM masters,
each with its own workers and its own copy of the module's process memory,
behind one nginx upstream that alternates between them; MariaDB for the
database, memcached for sessions and the object stash. The wiki uses
CaptchaGuard's hCaptcha class against the fake siteverify.
CAPTCHAGUARD_MULTISERVER gives "name=port": PORT alternates, PORT+1 is
server1 alone, PORT+2 server2 alone."""

import datetime
import json
import os
import socket
import threading
import time
import unittest

import test_emergency
from test_captcha_actions import create_filter
# The fake siteverify, started and stopped for this module as for test_risk_score's.
from test_risk_score import fresh, setUpModule, tearDownModule  # noqa: F401
from wikiclient import WikiClient, unique, wikis_from_env

(NAME, PORT, FOLDER), = wikis_from_env("CAPTCHAGUARD_MULTISERVER", "multi=8191")
BOTH = f"http://127.0.0.1:{PORT}"
SERVER = {1: f"http://127.0.0.1:{PORT + 1}", 2: f"http://127.0.0.1:{PORT + 2}"}
FLAGGED = "cg-multi-trigger spam"


def memcached_stat(name):
    host, port = os.environ.get("CAPTCHAGUARD_MEMCACHED", "127.0.0.1:11311").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        conn.sendall(b"stats\r\n")
        data = b""
        while not data.endswith(b"END\r\n"):
            data += conn.recv(65536)
    for line in data.decode().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] == name:
            return int(parts[2])
    raise AssertionError(f"memcached has no stat {name}")


class On:
    """A client's requests sent to one server, sharing its cookies."""

    def __init__(self, client, server):
        self.client, self.base = client, SERVER[server]

    def __enter__(self):
        self.saved, self.client.base = self.client.base, self.base
        return self.client

    def __exit__(self, *exc):
        self.client.base = self.saved


class MultiServer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.filter = create_filter(BOTH, "cg multi", 'added_lines rlike "cg-multi-trigger"', {"showcaptcha": {}})
        cls.warn_filter = create_filter(
            BOTH, "cg multi warn", 'added_lines rlike "cg-multi-warn"',
            {"warn": {"wpFilterWarnMessage": "abusefilter-warning"}, "showcaptcha": {}},
        )

    def edit(self, client, server, title, text, **extra):
        """An API edit on one server; returns (answer, server that answered)."""
        with On(client, server):
            data = {"action": "edit", "title": title, "text": text, "token": client.token(),
                    "format": "json", "formatversion": "2", **extra}
            response = client.request("/api.php", data=data)
        return response.json(), response.headers.get("X-CaptchaGuard-Server")

    def challenged_today(self):
        rows = WikiClient(BOTH).login("Admin").api(
            action="query", list="captchaguardoutcomes", cgofilter=self.filter, cgodays="1"
        )["query"]["captchaguardoutcomes"]
        today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
        return sum(r["challenged"] for r in rows if r["date"] == today and r["action"] == "edit")

    def test_both_servers_count_into_one_store_without_losing_a_count(self):
        before = self.challenged_today()
        asked = []

        def visitor(server):
            client = WikiClient(BOTH)
            answer, seen = self.edit(client, server, unique("CG multi count"), FLAGGED)
            asked.append((seen, "captcha" in answer.get("edit", {})))

        visitors = [threading.Thread(target=visitor, args=(1 + n % 2,)) for n in range(16)]
        for thread in visitors:
            thread.start()
        for thread in visitors:
            thread.join()
        self.assertEqual(sorted(asked), [("server1", True)] * 8 + [("server2", True)] * 8)
        deadline = time.time() + 15
        while self.challenged_today() < before + 16 and time.time() < deadline:
            time.sleep(0.3)
        self.assertEqual(self.challenged_today(), before + 16)

    def test_sessions_live_in_memcached(self):
        before = memcached_stat("cmd_set")
        WikiClient(SERVER[1]).login("Alice")
        self.assertGreater(memcached_stat("cmd_set"), before)

    def test_nginx_alternates_between_the_two_servers(self):
        seen = {WikiClient(BOTH).request("/api.php", params={"action": "query"}).headers["X-CaptchaGuard-Server"]
                for _ in range(6)}
        self.assertEqual(seen, {"server1", "server2"})

    def test_a_captcha_asked_on_one_server_is_answered_on_the_other(self):
        client, title = WikiClient(BOTH), unique("CG multi")
        asked, server = self.edit(client, 1, title, FLAGGED)
        self.assertEqual(server, "server1")
        self.assertEqual(asked["edit"]["captcha"]["type"], "hcaptcha", asked)
        saved, server = self.edit(client, 2, title, FLAGGED, captchaword=fresh("score-0.2"))
        self.assertEqual(server, "server2")
        self.assertEqual(saved["edit"]["result"], "Success", saved)
        self.assertEqual(WikiClient(BOTH).page_text(title), FLAGGED)

    def test_warn_then_captcha_then_save_across_servers(self):
        client, title, text = WikiClient(BOTH), unique("CG multi warn"), "cg-multi-warn spam"
        warned, _ = self.edit(client, 1, title, text)
        self.assertEqual(warned["error"]["code"], "abusefilter-warning", warned)
        asked, _ = self.edit(client, 2, title, text)
        self.assertIn("captcha", asked.get("edit", {}), asked)
        saved, _ = self.edit(client, 1, title, text, captchaword=fresh("score-0.2"))
        self.assertEqual(saved["edit"]["result"], "Success", saved)

    def every_worker(self, server, check):
        """Simultaneous anonymous edits on one server until both its workers answered."""
        base = test_emergency.EmergencyBase("run")
        base.base = SERVER[server]
        by_worker = base.anonymous_edits(rounds=2)
        self.assertEqual(len(by_worker), 2, f"{server}: {list(by_worker)}")
        for worker, results in by_worker.items():
            for result in results:
                self.assertTrue(check(result), (server, worker, result))
        return set(by_worker)

    def test_an_emergency_switched_on_one_server_reaches_every_worker_of_both(self):
        admin = WikiClient(SERVER[1]).login("Admin")

        def switch(**params):
            return admin.api(post={"token": admin.token(), **params}, action="emergencycaptcha")

        workers = [self.every_worker(n, test_emergency.EmergencyBase.saved) for n in (1, 2)]
        self.assertFalse(workers[0] & workers[1], "the two servers share no worker")
        try:
            switch(state="on", actions="edit|create", expiry="1 hour", reason="multi-server attack")
            time.sleep(test_emergency.SETTLE)
            for n in (1, 2):
                self.every_worker(n, test_emergency.EmergencyBase.challenged)
        finally:
            switch(state="off", reason="over")
        time.sleep(test_emergency.SETTLE)
        for n in (1, 2):
            self.every_worker(n, test_emergency.EmergencyBase.saved)

    def test_a_score_captured_on_one_server_lands_in_the_event_of_an_edit_on_the_other(self):
        client = WikiClient(SERVER[1]).login("Alice")
        title = unique("CG multi score")
        asked, _ = self.edit(client, 1, title, FLAGGED)
        self.assertIn("captcha", asked.get("edit", {}), asked)
        saved, _ = self.edit(client, 1, title, FLAGGED, captchaword=fresh("score-0.73"))
        self.assertEqual(saved["edit"]["result"], "Success", saved)
        clean, server = self.edit(client, 2, unique("CG multi clean"), "plain words")
        self.assertEqual(server, "server2")
        self.assertEqual(clean["edit"]["result"], "Success", clean)
        with open(os.path.join(FOLDER, "events.jsonl")) as f:
            events = [json.loads(line) for line in f]
        event = next(e for e in events if e.get("revisionId") == clean["edit"]["newrevid"])
        self.assertEqual(event["hCaptchaScore"], 0.7)


if __name__ == "__main__":
    unittest.main()
