"""Two wikis (MediaWiki 1.43 on MariaDB) sharing one emergency switch table:
$wgCaptchaGuardEmergencyDatabase points both at farm1's database. Both are
served by ONE PHP-FPM pool (2 workers), so every worker answers for both.
CAPTCHAGUARD_FARM gives their ports: "farm1port,farm2port"."""

import os
import re
import subprocess
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

import test_emergency
from wikiclient import WikiClient, unique

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PORTS = os.environ.get("CAPTCHAGUARD_FARM", "8141,8151").split(",")
FARM1, FARM2 = (f"http://127.0.0.1:{port}" for port in PORTS)


class WikiFarm(unittest.TestCase):
    def setUp(self):
        # Local sysops of each wiki, and a steward (emergencycaptcha-global) on farm1.
        self.admin1 = WikiClient(FARM1).login("Admin")
        self.admin2 = WikiClient(FARM2).login("Admin")
        self.steward = WikiClient(FARM1).login("Steward")

    def tearDown(self):
        self.switch(self.steward, state="off", reason="farm test over", wikis="*")
        time.sleep(test_emergency.SETTLE)

    @staticmethod
    def switch(client, **params):
        return client.api(post={"token": client.token(), **params}, action="emergencycaptcha")

    @staticmethod
    def on_wiki(base):
        wiki = test_emergency.EmergencyBase("run")
        wiki.base = base
        return wiki

    def assert_wiki(self, base, check):
        self.on_wiki(base).assert_every_worker(check, rounds=2)

    def test_one_pool_serves_both_wikis(self):
        workers = [set(self.on_wiki(base).anonymous_edits(rounds=2)) for base in (FARM1, FARM2)]
        self.assertEqual(len(workers[0]), 2)
        self.assertEqual(workers[0], workers[1])

    def state(self, client):
        return client.api(action="query", meta="emergencycaptcha")["query"]["emergencycaptcha"]

    def test_one_switch_covers_both_wikis(self):
        self.assert_wiki(FARM1, test_emergency.EmergencyBase.saved)
        self.assert_wiki(FARM2, test_emergency.EmergencyBase.saved)
        result = self.switch(
            self.steward, state="on", actions="edit|create", expiry="1 hour",
            reason="farm-wide botnet", wikis="farm1|farm2",
        )
        self.assertTrue(result["emergencycaptcha"]["active"], result)
        time.sleep(test_emergency.SETTLE)
        self.assert_wiki(FARM1, test_emergency.EmergencyBase.challenged)
        self.assert_wiki(FARM2, test_emergency.EmergencyBase.challenged)
        seen_from_farm2 = self.state(self.admin2)
        self.assertTrue(seen_from_farm2["active"])
        self.assertEqual(seen_from_farm2["reason"], "farm-wide botnet")
        # The performer is an actor of the table's wiki (farm1), named as each wiki knows him.
        self.assertEqual(seen_from_farm2["user"], "farm1>Steward")
        self.assertEqual(self.state(self.admin1)["user"], "Steward")
        log = self.admin1.api(action="query", list="logevents", letype="emergencycaptcha")
        self.assertEqual(log["query"]["logevents"][0]["params"]["wikis"], ["farm1", "farm2"])
        # farm2 logs it too, written there by a job, seconds later: run farm2's
        # queue as its job runner would.
        farm2_dir = os.path.join(os.environ.get("CAPTCHAGUARD_WIKIS_DIR", "../../build/wikis"), "farm2")
        with open(os.path.join(farm2_dir, "mwroot")) as f:
            mwroot = f.read().strip()
        subprocess.run(
            ["php", "-d", f"extension={REPO}/target/release/libcaptchaguard.so",
             os.path.join(mwroot, "maintenance", "runJobs.php"), "--type", "captchaGuardEmergencyLog"],
            env={**os.environ, "MW_CONFIG_FILE": os.path.join(farm2_dir, "LocalSettings.php"),
                 "MW_INSTALL_PATH": mwroot},
            capture_output=True, text=True, check=True,
        )
        entries = self.admin2.api(action="query", list="logevents", letype="emergencycaptcha", lelimit="max")
        entry = next((e for e in entries["query"]["logevents"] if e["comment"] == "farm-wide botnet"), None)
        self.assertIsNotNone(entry, "no log entry on farm2")
        self.assertEqual(entry["user"], "farm1>Steward")
        self.assertEqual(entry["params"]["actions"], ["edit", "create"])
        # Dated when the switch changed, not when the job ran.
        self.assertEqual(entry["timestamp"], log["query"]["logevents"][0]["timestamp"])

    def test_a_local_sysop_cannot_switch_another_wiki(self):
        before = self.state(self.admin1)
        for wikis in ("farm1", "*", "farm1|farm2"):
            refused = self.switch(self.admin2, state="off", reason="not mine", wikis=wikis)
            self.assertEqual(refused["error"]["code"], "emergencycaptcha-global-right", (wikis, refused))
        typo = self.switch(self.steward, state="on", actions="edit", expiry="1 hour",
                           reason="typo", wikis="farm1|fram2")
        self.assertEqual(typo["error"]["code"], "emergencycaptcha-wiki", typo)
        self.assertIn("fram2", typo["error"]["info"])
        self.assertEqual(self.state(self.admin1), before)

    def test_the_wikis_field_shows_only_to_who_may_name_other_wikis(self):
        def has_wikis_field(client):
            page = client.request("/index.php", params={"title": "Special:EmergencyCaptcha"})
            self.assertIn("Reason (required):", page.text)
            return re.search(r"name=[\"']wpwikis[\"']", page.text) is not None

        self.assertTrue(has_wikis_field(self.steward), "a steward on a farm names wikis")
        self.assertFalse(has_wikis_field(self.admin1), "a local sysop switches only their own wiki")

    def test_a_switch_for_one_wiki_leaves_the_other_alone(self):
        self.switch(self.admin2, state="on", actions="edit", expiry="1 hour", reason="only here")
        time.sleep(test_emergency.SETTLE)
        self.assert_wiki(FARM2, test_emergency.EmergencyBase.challenged)
        self.assert_wiki(FARM1, test_emergency.EmergencyBase.saved)
        self.assertFalse(self.state(self.admin1).get("active"))
        # Stored in farm1's tables as farm2's user, and farm2's own Admin again when read there.
        self.assertEqual((self.state(self.admin2)["user"], self.state(self.admin2)["reason"]),
                         ("Admin", "only here"))

    def test_the_longest_reason_is_stored_whole_in_strict_mode(self):
        # 500 characters of 4 bytes each: the comment table takes them whole; 501 are refused.
        longest = "🛡" * 500
        result = self.switch(self.admin1, state="on", actions="edit", expiry="1 hour", reason=longest)
        self.assertTrue(result["emergencycaptcha"]["active"], result)
        self.assertEqual(self.state(self.admin1)["reason"], longest)
        refused = self.switch(self.admin1, state="off", reason=longest + "x")
        self.assertEqual(refused["error"]["code"], "emergencycaptcha-reason-long", refused)
        self.assertEqual(self.state(self.admin1)["reason"], longest)

    def test_all_wikis_then_off_everywhere(self):
        self.switch(self.steward, state="on", actions="edit", expiry="1 hour", reason="all", wikis="*")
        time.sleep(test_emergency.SETTLE)
        self.assert_wiki(FARM1, test_emergency.EmergencyBase.challenged)
        self.assert_wiki(FARM2, test_emergency.EmergencyBase.challenged)
        self.switch(self.steward, state="off", reason="calm", wikis="*")
        time.sleep(test_emergency.SETTLE)
        self.assert_wiki(FARM1, test_emergency.EmergencyBase.saved)
        self.assert_wiki(FARM2, test_emergency.EmergencyBase.saved)

    def test_twenty_wikis_on_one_pool_read_the_switch_table_once_per_refresh(self):
        """farm3 … farm20 are served by farm2's server (picked by host name):
        one pool, twenty wikis, more than a worker once kept switches for."""
        wikis = [f"farm{n}" for n in range(1, 21)]

        def edit(wiki):
            client = WikiClient(FARM2)
            if wiki not in ("farm1", "farm2"):
                client.headers["Host"] = f"{wiki}.test"
            resp = client.request("/api.php", data={
                "action": "edit", "title": unique("CG farm snapshot"), "text": "hello",
                "token": "+\\", "format": "json", "formatversion": "2"})
            return wiki, resp.headers["X-CaptchaGuard-Worker"], resp.json()

        def every_wiki_twice():
            with ThreadPoolExecutor(max_workers=2) as pool:
                return list(pool.map(edit, wikis * 2))

        self.switch(self.steward, state="on", actions="edit", expiry="1 hour",
                    reason="one wiki of twenty", wikis="farm7")
        time.sleep(test_emergency.SETTLE)
        # Each wiki answers from the one snapshot: only farm7 asks.
        with MariaDB() as db:
            db.start_counting()
            started = time.monotonic()
            results = every_wiki_twice()
            elapsed = time.monotonic() - started
            reads = db.snapshot_reads()
        workers = {worker for _, worker, _ in results}
        self.assertEqual(len(workers), 2, "both workers of the pool answered")
        for wiki, worker, result in results:
            check = (test_emergency.EmergencyBase.challenged if wiki == "farm7"
                     else test_emergency.EmergencyBase.saved)
            self.assertTrue(check(result), (wiki, worker, result))
        # At most one read per refresh interval per worker (and one more each
        # for an interval already begun), however many wikis they served.
        most = len(workers) * (int(elapsed // test_emergency.REFRESH) + 2)
        # Both snapshots were stale when the edits began: each worker read once at least.
        self.assertGreaterEqual(reads, len(workers))
        self.assertLessEqual(reads, most, f"{reads} reads of the switch table in {elapsed:.1f} s "
                             f"for {len(results)} edits on 20 wikis")


class MariaDB:
    """The farm's MariaDB server, whose general log counts the switch table's
    reads as the server saw them (CAPTCHAGUARD_WIKIS_DIR/mariadb)."""

    # The snapshot's query (EmergencyStore::switchesInEffect), and only it.
    SNAPSHOT_READ = "%MIN(oldest.ce_id)%"

    def __init__(self):
        wikis_dir = os.environ.get("CAPTCHAGUARD_WIKIS_DIR", "../../build/wikis")
        self.socket = os.path.join(wikis_dir, "mariadb", "mysqld.sock")

    def sql(self, statement):
        return subprocess.run(
            ["mariadb", "--no-defaults", "-S", self.socket, "-u", "root", "-N", "-e", statement],
            capture_output=True, text=True, check=True).stdout.strip()

    def __enter__(self):
        return self

    def start_counting(self):
        self.sql("SET GLOBAL log_output = 'TABLE'; TRUNCATE mysql.general_log; SET GLOBAL general_log = 1")

    def snapshot_reads(self):
        self.sql("SET GLOBAL general_log = 0")
        return int(self.sql("SELECT COUNT(*) FROM mysql.general_log WHERE command_type = 'Query' "
                            f"AND argument LIKE '{self.SNAPSHOT_READ}'"))

    def __exit__(self, *exc):
        self.sql("SET GLOBAL general_log = 0")


if __name__ == "__main__":
    unittest.main()
