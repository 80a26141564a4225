"""Faults in a real wiki (MediaWiki 1.43) served by ONE PHP-FPM worker, with
the module built with the test-only `fault-injection` feature: a panic at any
native entry point, a PHP fatal error or a time-out in the middle of a CAPTCHA
flow. Each time the worker keeps serving (same PID), the edit in flight is
never saved without its CAPTCHA, an error is logged, and the next request in
that worker is clean. CAPTCHAGUARD_FAULTS_WIKI gives "name=port"."""

import os
import unittest

from test_captcha_actions import filters_for
from wikiclient import CAPTCHA_ANSWER, WikiClient, unique, wikis_from_env

(NAME, PORT, FOLDER), = wikis_from_env("CAPTCHAGUARD_FAULTS_WIKI", "faults=8181")
BASE = f"http://127.0.0.1:{PORT}"
FLAGGED_TEXT = "cg-show-trigger spam"


def logged(name):
    path = os.path.join(FOLDER, name)
    if not os.path.exists(path):
        return ""
    with open(path, errors="replace") as f:
        return f.read()


class Faults(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.filters = filters_for(NAME, BASE)
        cls.worker = cls.worker_of(WikiClient(BASE).request("/api.php", params={"action": "query"}))

    @staticmethod
    def worker_of(response):
        return response.headers.get("X-CaptchaGuard-Worker")

    def edit(self, client, title, text, **extra):
        """An API edit; returns (JSON answer or None, HTTP status, worker)."""
        data = {"action": "edit", "title": title, "text": text, "token": client.token(),
                "format": "json", "formatversion": "2", **extra}
        response = client.request("/api.php", data=data)
        try:
            answer = response.json()
        except ValueError:
            answer = None
        return answer, response.status, self.worker_of(response)

    @staticmethod
    def exists(title):
        data = WikiClient(BASE).api(action="query", titles=title)
        return not data["query"]["pages"][0].get("missing", False)

    @staticmethod
    def captcha_of(answer):
        return ((answer or {}).get("edit") or {}).get("captcha")

    def assert_worker_clean(self):
        """The same worker, next requests: a clean edit saves, a flagged one is
        asked for a CAPTCHA and saves with the right answer."""
        client = WikiClient(BASE)
        clean = unique("CG fault clean")
        answer, _, worker = self.edit(client, clean, "plain words")
        self.assertEqual(worker, self.worker, "the worker was replaced")
        self.assertEqual(answer["edit"]["result"], "Success", answer)
        flagged = unique("CG fault flagged")
        answer, _, _ = self.edit(client, flagged, FLAGGED_TEXT)
        captcha = self.captcha_of(answer)
        self.assertIsNotNone(captcha, answer)
        answer, _, _ = self.edit(client, flagged, FLAGGED_TEXT, captchaid=captcha["id"], captchaword=CAPTCHA_ANSWER)
        self.assertEqual(answer["edit"]["result"], "Success", answer)

    def panic_at(self, entry, text):
        client = WikiClient(BASE)
        client.headers["X-CaptchaGuard-Fault"] = f"panic:{entry}"
        title = unique("CG fault panic")
        answer, status, worker = self.edit(client, title, text)
        self.assertEqual(worker, self.worker, "the worker was replaced")
        return title, answer, status

    def test_a_panic_where_a_captcha_is_decided_asks_for_one(self):
        # Contained: logged, and answered the fail-safe way (a CAPTCHA).
        for entry, text in (
            ("ConsequenceRunner::execute", FLAGGED_TEXT),
            ("EditFilterMergedContent", FLAGGED_TEXT),
            ("EditFilterMergedContent", "plain words"),
            ("ConfirmEditTriggersCaptcha", "plain words"),
        ):
            with self.subTest(entry=entry, text=text):
                title, answer, _ = self.panic_at(entry, text)
                self.assertIsNotNone(self.captcha_of(answer), answer)
                self.assertFalse(self.exists(title))
                self.assertIn(f"{entry} panicked, answering as it does on failure: fault injected at {entry}",
                              logged("captchaguard.log"))
                self.assert_worker_clean()

    def test_a_panic_before_the_filters_leaves_them_to_decide(self):
        title, answer, _ = self.panic_at("AbuseFilterShouldFilterAction", FLAGGED_TEXT)
        self.assertIsNotNone(self.captcha_of(answer), answer)
        self.assertFalse(self.exists(title))
        self.assertIn("AbuseFilterShouldFilterAction panicked", logged("captchaguard.log"))
        self.assert_worker_clean()

    def test_a_panic_registering_the_actions_stops_the_edit(self):
        # AbuseFilter without its CAPTCHA actions would skip them: the edit fails instead.
        title, answer, _ = self.panic_at("AbuseFilterCustomActions", FLAGGED_TEXT)
        self.assertIsNone(self.captcha_of(answer), answer)
        self.assertIn("error", answer or {"error": "no JSON"}, answer)
        self.assertFalse(self.exists(title))
        self.assertIn("AbuseFilterCustomActions panicked", logged("captchaguard.log"))
        self.assert_worker_clean()

    def test_a_panic_after_the_save_never_breaks_the_saved_edit(self):
        title, answer, _ = self.panic_at("PageSaveComplete", "plain words")
        self.assertEqual(answer["edit"]["result"], "Success", answer)
        self.assertTrue(self.exists(title))
        self.assertIn("PageSaveComplete panicked", logged("captchaguard.log"))
        self.assert_worker_clean()

    def test_a_panic_after_the_api_module_leaves_its_answer(self):
        # APIAfterExecute only tidies the warnings: the edit's answer stands.
        title, answer, _ = self.panic_at("APIAfterExecute", "plain words")
        self.assertEqual(answer["edit"]["result"], "Success", answer)
        self.assertTrue(self.exists(title))
        self.assertIn("APIAfterExecute panicked", logged("captchaguard.log"))
        self.assert_worker_clean()

    def test_a_panic_in_the_checkuser_level_gate_refuses(self):
        # The gate cannot tell what the module touches: it refuses, and the worker goes on.
        client = WikiClient(BASE).login("Admin")
        client.headers["X-CaptchaGuard-Fault"] = "panic:ApiCheckCanExecute"
        answer = client.api(post={}, action="abusefilterchecksyntax", filter='user_name == "x"')
        self.assertEqual(answer["error"]["code"], "captchaguard-sensitive-unavailable", answer)
        self.assertIn("ApiCheckCanExecute panicked", logged("captchaguard.log"))
        self.assert_worker_clean()

    def test_a_panic_in_the_switch_rules_is_an_error_and_changes_nothing(self):
        # Not contained: ext-php-rs turns the panic into a PHP Error, which MediaWiki reports and logs.
        client = WikiClient(BASE)
        client.headers["X-CaptchaGuard-Fault"] = "panic:EmergencyPolicy::state"
        response = client.request("/api.php", params={"action": "query", "meta": "emergencycaptcha",
                                                      "format": "json"})
        self.assertEqual(self.worker_of(response), self.worker)
        self.assertIn("internal_api_error", response.text)
        self.assertIn("fault injected at EmergencyPolicy::state", logged("exception.log"))
        state = WikiClient(BASE).api(action="query", meta="emergencycaptcha")
        self.assertFalse(state["query"]["emergencycaptcha"]["active"])
        self.assert_worker_clean()

    def interrupted_answer(self, fault):
        """warn + showcaptcha: warned, asked for a CAPTCHA, and the request
        carrying the answer dies in a hook after CaptchaGuard's. The same
        answer sent again saves, with no second warning."""
        client = WikiClient(BASE)
        title, text = unique("CG fault flow"), "cg-warn-trigger spam"
        warned, _, _ = self.edit(client, title, text)
        self.assertEqual(warned["error"]["code"], "abusefilter-warning", warned)
        asked, _, _ = self.edit(client, title, text)
        captcha = self.captcha_of(asked)
        self.assertIsNotNone(captcha, asked)
        client.headers["X-CaptchaGuard-Fault"] = f"{fault}:AbuseFilterShouldFilterAction"
        died, status, worker = self.edit(client, title, text, captchaid=captcha["id"], captchaword=CAPTCHA_ANSWER)
        self.assertEqual(worker, self.worker)
        self.assertIsNone(died, status)
        self.assertFalse(self.exists(title))
        del client.headers["X-CaptchaGuard-Fault"]
        self.assert_worker_clean()
        answer, _, _ = self.edit(client, title, text, captchaid=captcha["id"], captchaword=CAPTCHA_ANSWER)
        self.assertEqual(answer.get("edit", {}).get("result"), "Success", answer)
        self.assertTrue(self.exists(title))

    def test_a_fatal_error_in_the_middle_of_a_captcha_flow(self):
        self.interrupted_answer("fatal")
        self.assertIn("Allowed memory size", logged("php-error.log"))

    def test_a_time_out_in_the_middle_of_a_captcha_flow(self):
        self.interrupted_answer("timeout")
        self.assertIn("Maximum execution time", logged("php-error.log"))


if __name__ == "__main__":
    unittest.main()
