"""The emergency CAPTCHA switch against real wikis under PHP-FPM (2 workers).

CAPTCHAGUARD_WIKIS names the wikis ("name=port,..."); the switch is the wiki's,
so each wiki is tested once. Test wikis refresh the switch every 2 s.
"""

import os
import re
import subprocess
import threading
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

from wikiclient import WikiClient, form_fields, strip_tags, unique, wikis_from_env

REFRESH = 2.0
SETTLE = REFRESH + 1.0
class EmergencyBase(unittest.TestCase):
    base = None
    wiki_dir = None

    @classmethod
    def setUpClass(cls):
        admin = WikiClient(cls.base).login("Admin")
        admin.api(post={"state": "off", "reason": "tests start", "token": admin.token()},
                  action="emergencycaptcha")
        time.sleep(SETTLE)

    def setUp(self):
        self.admin = WikiClient(self.base).login("Admin")

    def tearDown(self):
        self.switch(state="off", reason="test over")
        time.sleep(SETTLE)

    def switch(self, client=None, **params):
        client = client or self.admin
        post = {"token": client.token(), **params}
        return client.api(post=post, action="emergencycaptcha")

    def state(self):
        return self.admin.api(action="query", meta="emergencycaptcha")["query"]["emergencycaptcha"]

    def log(self):
        return self.admin.api(
            action="query", list="logevents", letype="emergencycaptcha", lelimit="max"
        )["query"]["logevents"]

    def anonymous_edits(self, rounds=4, max_rounds=20):
        """Pairs of simultaneous anonymous edits, so both workers answer: at
        least `rounds` pairs, more until both workers were seen. Returns
        {worker pid: [results]}."""
        by_worker = {}
        lock = threading.Lock()

        def edit(_):
            client = WikiClient(self.base)
            title = unique("CG emergency")
            resp = client.request(
                "/api.php",
                data={"action": "edit", "title": title, "text": "hello",
                      "token": "+\\", "format": "json", "formatversion": "2"},
            )
            with lock:
                by_worker.setdefault(resp.headers["X-CaptchaGuard-Worker"], []).append(resp.json())

        with ThreadPoolExecutor(max_workers=2) as pool:
            for done in range(1, max_rounds + 1):
                list(pool.map(edit, range(2)))
                if done >= rounds and len(by_worker) >= 2:
                    break
        return by_worker

    @staticmethod
    def challenged(result):
        return result.get("edit", {}).get("result") == "Failure" and "captcha" in result["edit"]

    @staticmethod
    def saved(result):
        return result.get("edit", {}).get("result") == "Success"

    def assert_every_worker(self, check, rounds=4):
        by_worker = self.anonymous_edits(rounds)
        self.assertEqual(len(by_worker), 2, f"both PHP-FPM workers should answer: {list(by_worker)}")
        for worker, results in by_worker.items():
            for result in results:
                self.assertTrue(check(result), (worker, result))

    # ------------------------------------------------------------------

    def test_a_switch_table_that_cannot_be_read_never_fails_an_edit(self):
        # The read fails inside the request's transaction: the edit must still save.
        db = os.path.join(self.wiki_dir, "db", "my_wiki.sqlite")

        def rename(old, new):
            for _ in range(50):  # a worker may hold the database for a moment
                if subprocess.run(["sqlite3", db, f"ALTER TABLE {old} RENAME TO {new}"],
                                  capture_output=True).returncode == 0:
                    return
                time.sleep(0.2)
            self.fail(f"could not rename {old}")

        # Each worker keeps its last known switch: make that "off" first, as an
        # earlier test may have left a worker that has not refreshed since.
        self.assert_every_worker(self.saved)
        rename("captchaguard_emergency", "captchaguard_emergency_away")
        try:
            time.sleep(SETTLE)
            self.assert_every_worker(self.saved, rounds=2)
        finally:
            rename("captchaguard_emergency_away", "captchaguard_emergency")
        with open(os.path.join(self.wiki_dir, "captchaguard.log"), errors="replace") as f:
            self.assertIn("Could not read the emergency CAPTCHA switch, keeping the last known one", f.read())

    def test_api_switch_reaches_every_worker_within_the_refresh_time(self):
        self.assert_every_worker(self.saved)  # both workers now hold "off"
        result = self.switch(state="on", actions="edit|create", expiry="1 hour", reason="botnet")
        self.assertTrue(result["emergencycaptcha"]["active"], result)
        time.sleep(SETTLE)
        self.assert_every_worker(self.challenged)
        state = self.state()
        self.assertTrue(state["active"])
        self.assertEqual(state["actions"], ["edit", "create"])
        self.assertEqual((state["user"], state["reason"]), ("Admin", "botnet"))
        self.switch(state="off", reason="over")
        time.sleep(SETTLE)
        self.assert_every_worker(self.saved)

    def test_special_page_switch_takes_effect(self):
        anonymous_view = WikiClient(self.base).request(
            "/index.php", params={"title": "Special:EmergencyCaptcha"}
        )
        self.assertIn("Emergency CAPTCHAs are <b>off</b>", anonymous_view.text)
        self.assertNotIn("wpreason", anonymous_view.text)
        page = self.admin.request("/index.php", params={"title": "Special:EmergencyCaptcha"})
        fields, _ = form_fields(page.text, form_id=None)
        data = [
            ("wpEditToken", fields["wpEditToken"]),
            ("title", "Special:EmergencyCaptcha"),
            ("wpstate", "on"),
            ("wpactions[]", "edit"),
            ("wpexpiry", "1 hour"),
            ("wpreason", "special page switch"),
        ]
        resp = self.admin.request(
            "/index.php", params={"title": "Special:EmergencyCaptcha"}, data=data
        )
        self.assertIn("was changed", strip_tags(resp.text))
        # The form stays for the next change.
        self.assertEqual(set(re.findall(r"name=[\"'](wpreason|wpexpiry)[\"']", resp.text)),
                         {"wpreason", "wpexpiry"}, "the form after a change")
        state = self.state()
        self.assertTrue(state["active"])
        self.assertEqual(state["actions"], ["edit"])
        self.assertEqual(state["reason"], "special page switch")
        time.sleep(SETTLE)
        self.assert_every_worker(self.challenged)
        viewed = WikiClient(self.base).request(
            "/index.php", params={"title": "Special:EmergencyCaptcha"}
        )
        self.assertIn("Emergency CAPTCHAs are <b>on</b> for: every edit, until", viewed.text)

    def post_form(self, **typed):
        page = self.admin.request("/index.php", params={"title": "Special:EmergencyCaptcha"})
        fields, _ = form_fields(page.text, form_id=None)
        data = [("wpEditToken", fields["wpEditToken"]), ("title", "Special:EmergencyCaptcha")]
        data += [(f"wp{name}", value) for name, value in typed.items()]
        return self.admin.request("/index.php", params={"title": "Special:EmergencyCaptcha"}, data=data)

    def test_the_page_says_what_it_does_and_marks_what_is_required(self):
        page = self.admin.request("/index.php", params={"title": "Special:EmergencyCaptcha"})
        text = strip_tags(page.text)
        self.assertIn("Emergency CAPTCHAs ask everyone for a CAPTCHA on the chosen actions of this wiki", text)
        self.assertIn("except users with the skipcaptcha right", text)
        self.assertIn("Reason (required):", text)
        self.assertIn("Expires (required to switch on):", text)
        self.assertIn("at most 7 days from now", text)
        # A single wiki: nothing to name but itself.
        self.assertIsNone(re.search(r"name=[\"']wpwikis[\"']", page.text), "a wikis field on a single wiki")
        # Actions and expiry are hidden (and so not required) while "Off" is chosen.
        hidden_when_off = re.findall(r"class='[^']*mw-htmlform-hide-if[^>]*\"label\":\{\"html\":\"([^\"]*)", page.text)
        self.assertEqual(hidden_when_off, ["Require a CAPTCHA for:", "Expires (required to switch on):"])
        self.assertIn("Emergency CAPTCHAs ask everyone", strip_tags(
            WikiClient(self.base).request("/index.php", params={"title": "Special:EmergencyCaptcha"}).text))

    def test_every_problem_is_shown_at_once_and_the_form_keeps_what_was_typed(self):
        before, log_before = self.state(), self.log()
        resp = self.post_form(state="on", expiry="99999999999 years", reason=" ")
        self.assertEqual(resp.status, 200, resp.text[-2000:])
        text = strip_tags(resp.text)
        self.assertIn("A reason is required.", text)
        self.assertIn("The expiry is too far away: it can be at most 7 days from now.", text)
        self.assertRegex(resp.text, r"value=[\"']99999999999 years[\"']")
        self.assertNotIn("was changed", text)
        # The API refuses the same request with every problem, localised, and no internal error.
        result = self.switch(state="on", actions="edit|teleport", expiry="99999999999 years", reason="",
                             errorformat="plaintext", uselang="en")
        self.assertEqual(
            [e["code"] for e in result["errors"]],
            ["emergencycaptcha-reason", "emergencycaptcha-action", "emergencycaptcha-expiry-cap"], result)
        self.assertIn("at most 7 days", result["errors"][2]["text"])
        # PHP reads the year 99999 as a day in 2009: still too far away, not "in the past".
        far = self.switch(state="on", actions="edit", expiry="99999-12-31T00:00:00Z", reason="far",
                          errorformat="plaintext", uselang="en")
        self.assertEqual([e["code"] for e in far["errors"]], ["emergencycaptcha-expiry-cap"], far)
        self.assertEqual(self.state(), before)
        self.assertEqual(self.log(), log_before)

    def test_the_reason_is_text_and_the_switcher_a_user_link(self):
        reason = "[[Special:Version|click here]] '''loud''' <b>bold</b> {{SITENAME}}"
        self.switch(state="on", actions="create", expiry="1 hour", reason=reason)
        page = WikiClient(self.base).request(
            "/index.php", params={"title": "Special:EmergencyCaptcha"}).text
        shown = re.search(r'<div id="captchaguard-emergency-state">(.*?)</div>', page, re.S).group(1)
        self.assertIn("[[Special:Version|click here]]", shown)
        self.assertIn("&lt;b&gt;bold&lt;/b&gt;", shown)
        self.assertIn("{{SITENAME}}", shown)
        self.assertNotIn("click here</a>", shown)
        self.assertNotIn("<b>bold</b>", shown)
        self.assertRegex(shown, r'<a [^>]*title="User:Admin[^"]*"[^>]*>Admin</a>')
        too_long = self.switch(state="on", actions="create", expiry="1 hour", reason="é" * 501)
        self.assertEqual(too_long["error"]["code"], "emergencycaptcha-reason-long", too_long)
        self.assertIn("500", too_long["error"]["info"])
        self.assertEqual(self.state()["reason"], reason)
        self.switch(state="off", reason="done")

    def test_expiry_ends_it_with_nothing_running(self):
        self.switch(state="on", actions="edit", expiry="6 seconds", reason="short")
        expires = time.time() + 6
        time.sleep(SETTLE)
        self.assert_every_worker(self.challenged, rounds=2)
        time.sleep(max(0.0, expires - time.time()) + 1.0)
        # No refresh is awaited: each worker's copy says "on", the expiry says off.
        self.assert_every_worker(self.saved, rounds=2)
        self.assertFalse(self.state()["active"])

    def test_exempt_and_skipcaptcha_users_are_not_challenged(self):
        self.switch(state="on", actions="edit|create", expiry="1 hour", reason="attack")
        time.sleep(SETTLE)
        for user, expect in (("Exempt", self.saved), ("Skipper", self.saved), ("Alice", self.challenged)):
            client = WikiClient(self.base).login(user)
            result = client.edit(unique(f"CG emergency {user}"), "text")
            self.assertTrue(expect(result), (user, result))

    def test_the_edit_form_has_the_help_line_right_under_the_switchs_captcha(self):
        self.switch(state="on", actions="edit|create", expiry="1 hour", reason="attack")
        time.sleep(SETTLE)
        page = WikiClient(self.base).request(
            "/index.php", params={"title": unique("CG emergency help"), "action": "edit"}).text
        # ConfirmEdit's CAPTCHA, then the line, then the buttons.
        answer = page.find('name="wpCaptchaWord"')
        line = page.find('class="captchaguard-help"')
        save = page.find("id='wpSaveWidget'")
        self.assertTrue(0 < answer < line < save, (answer, line, save))
        self.assertEqual(page.count('class="captchaguard-help"'), 1)
        self.assertIn("Cannot solve CAPTCHAs?", strip_tags(page[line:save]))
        self.switch(state="off", reason="over")
        time.sleep(SETTLE)
        page = WikiClient(self.base).request(
            "/index.php", params={"title": unique("CG emergency help"), "action": "edit"}).text
        self.assertNotIn("captchaguard-help", page)

    def test_refused_and_bad_input_change_nothing(self):
        self.switch(state="on", actions="create", expiry="1 hour", reason="baseline")
        before, log_before = self.state(), self.log()
        alice = WikiClient(self.base).login("Alice")
        refused = self.switch(alice, state="off", reason="not allowed")
        self.assertEqual(refused["error"]["code"], "permissiondenied")
        badtoken = self.admin.api(
            post={"state": "off", "reason": "x", "token": "bad+\\"}, action="emergencycaptcha"
        )
        self.assertEqual(badtoken["error"]["code"], "badtoken")
        cases = {
            "emergencycaptcha-action": {"actions": "edit|teleport"},
            "emergencycaptcha-reason": {"reason": "  "},
            "emergencycaptcha-expiry": {"expiry": "next blue moon"},
            "emergencycaptcha-expiry-past": {"expiry": "2001-01-01T00:00:00Z"},
            "emergencycaptcha-expiry-cap": {"expiry": "30 days"},
            "emergencycaptcha-expiry-missing": {"expiry": ""},
        }
        for code, bad in cases.items():
            params = {"state": "on", "actions": "edit", "expiry": "1 hour", "reason": "r", **bad}
            result = self.switch(**params)
            self.assertEqual(result["error"]["code"], code, result)
            self.assertTrue(result["error"]["info"], result)
        self.assertIn("7 days", self.switch(
            state="on", actions="edit", expiry="30 days", reason="r")["error"]["info"])
        self.assertEqual(self.state(), before)
        self.assertEqual(self.log(), log_before)

    def test_a_blocked_sysop_is_refused_by_the_api_as_by_the_special_page(self):
        sysop = WikiClient(self.base).login("Sysop2")
        blocked = self.admin.api(
            post={"user": "Sysop2", "expiry": "1 hour", "reason": "test", "token": self.admin.token()},
            action="block",
        )
        self.assertIn("block", blocked, blocked)
        try:
            before = self.state()
            refused = self.switch(sysop, state="on", actions="edit", expiry="1 hour", reason="blocked")
            self.assertEqual(refused.get("error", {}).get("code"), "blocked", refused)
            page = sysop.request("/index.php", params={"title": "Special:EmergencyCaptcha"})
            self.assertNotIn("wpreason", page.text)
            self.assertEqual(self.state(), before)
        finally:
            self.admin.api(post={"user": "Sysop2", "token": self.admin.token()}, action="unblock")

    def test_log_shows_every_change(self):
        start = max((e["logid"] for e in self.log()), default=0)
        self.switch(state="on", actions="edit", expiry="1 hour", reason="first")
        self.switch(state="on", actions="edit|addurl", expiry="2 hours", reason="wider")
        self.switch(state="off", reason="calm")
        entries = sorted((e for e in self.log() if e["logid"] > start), key=lambda e: e["logid"])
        self.assertEqual([e["action"] for e in entries], ["on", "change", "off"])
        self.assertEqual([e["comment"] for e in entries], ["first", "wider", "calm"])
        # Typed parameters: data for API clients, localised words for people.
        self.assertEqual(entries[1]["params"]["actions"], ["edit", "addurl"])
        self.assertRegex(entries[1]["params"]["expiry"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(entries[1]["params"]["wikis"], [entries[1]["params"]["wikis"][0]])
        self.assertNotIn("expiry", entries[2]["params"], "switching off has no expiry")
        self.assertEqual(entries[0]["user"], "Admin")
        shown = strip_tags(self.admin.request(
            "/index.php", params={"title": "Special:Log", "type": "emergencycaptcha", "limit": "3"}
        ).text)
        self.assertIn("emergency CAPTCHAs to cover every edit, edits that add external links until", shown)
        self.assertNotIn("edit,addurl", shown)
        self.assertIsNone(re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", shown), "no raw ISO expiry")

    def test_views_read_a_replica_and_changes_the_primary(self):
        here = os.path.dirname(os.path.abspath(__file__))
        with open(os.path.join(self.wiki_dir, "mwroot")) as f:
            mwroot = f.read().strip()
        # The wiki's own PHP CLI (wiki.sh writes it): the module and MediaWiki the servers use.
        out = subprocess.run(
            [os.path.join(self.wiki_dir, "php"), os.path.join(here, "bin", "emergency-read-paths.php")],
            env={**os.environ, "MW_INSTALL_PATH": mwroot},
            capture_output=True, text=True,
        )
        self.assertEqual(out.returncode, 0, out.stderr + out.stdout)
        paths = dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)
        self.assertEqual(paths["meta"], "replica", out.stdout)
        self.assertEqual(paths["special-view"], "replica", out.stdout)
        # Each change reads what it replaces and writes, both on the primary.
        self.assertEqual(paths["change"], "primary,primary,primary,primary", out.stdout)

    def test_two_holders_switching_at_once_are_both_logged_and_the_last_wins(self):
        start = max((e["logid"] for e in self.log()), default=0)
        second = WikiClient(self.base).login("Admin")
        tokens = [self.admin.token(), second.token()]

        def change(i):
            client = (self.admin, second)[i]
            post = {"state": "on", "actions": ("edit", "create")[i], "expiry": "1 hour",
                    "reason": f"holder {i}", "token": tokens[i]}
            return client.api(post=post, action="emergencycaptcha")

        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(change, range(2)))
        for result in results:
            self.assertTrue(result["emergencycaptcha"]["active"], result)
        entries = sorted((e for e in self.log() if e["logid"] > start), key=lambda e: e["logid"])
        self.assertEqual(sorted(e["comment"] for e in entries), ["holder 0", "holder 1"])
        self.assertEqual(self.state()["reason"], entries[-1]["comment"])


def load_tests(loader, tests, pattern):
    suite = unittest.TestSuite()
    for name, port, wiki_dir in wikis_from_env("CAPTCHAGUARD_WIKIS", "mw139=8101"):
        cls = type(f"TestEmergency_{name}", (EmergencyBase,), {
            "base": f"http://127.0.0.1:{port}", "wiki_dir": wiki_dir,
        })
        suite.addTests(loader.loadTestsFromTestCase(cls))
    return suite


if __name__ == "__main__":
    unittest.main()
