"""Metrics for operators (issue 23, item 2), received as statsd lines on a
loopback listener: MediaWiki 1.43's StatsFactory, set up by wiki-settings.php
to send dogstatsd to 127.0.0.1:8125.
CAPTCHAGUARD_METRICS_WIKI: a QuestyCaptcha wiki ("name=port"), for CAPTCHAs by
action and filter and the emergency switch's state; CAPTCHAGUARD_METRICS_HCAPTCHA_WIKI:
a wiki on CaptchaGuard's hCaptcha class, for siteverify."""

import time
import unittest

import fake_siteverify
import test_emergency
from statsd_listener import StatsListener, parse
from test_captcha_actions import filters_for
from wikiclient import CAPTCHA_ANSWER, WikiClient, unique, wikis_from_env

STATSD_PORT = 8125
NAME, PORT, _ = next(wikis_from_env("CAPTCHAGUARD_METRICS_WIKI", "mw143=8111"))
HC_NAME, HC_PORT, _ = next(wikis_from_env("CAPTCHAGUARD_METRICS_HCAPTCHA_WIKI", "hc143=8171"))
BASE, HC_BASE = f"http://127.0.0.1:{PORT}", f"http://127.0.0.1:{HC_PORT}"
PREFIX = "mediawiki.CaptchaGuard."
listener = siteverify = None


def setUpModule():
    global listener, siteverify
    listener = StatsListener(STATSD_PORT)
    siteverify = fake_siteverify.start(8199)


def tearDownModule():
    listener.stop()
    siteverify.shutdown()


class MetricsTest(unittest.TestCase):
    def metrics(self, start, name, wait=5.0):
        """The lines of metric `name` received since `start`, waiting for the first."""
        deadline = time.time() + wait
        while True:
            found = [parse(line) for line in listener.seen(start) if line.startswith(PREFIX + name + ":")]
            if found or time.time() > deadline:
                return found
            time.sleep(0.1)

    def test_captchas_are_counted_by_outcome_action_and_filter(self):
        filter_id = str(filters_for(NAME, BASE)["show"])
        start = listener.mark()
        client = WikiClient(BASE)
        title, text = unique("CG metrics"), "metrics cg-show-trigger"
        asked = client.edit(title, text)["edit"]
        self.assertIn("captcha", asked, asked)
        client.edit(title, text, captchaid=asked["captcha"]["id"], captchaword="wrong")
        captcha = client.edit(title, text)["edit"]["captcha"]
        saved = client.edit(title, text, captchaid=captcha["id"], captchaword=CAPTCHA_ANSWER)["edit"]
        self.assertEqual(saved["result"], "Success", saved)
        counted = {}
        deadline = time.time() + 5
        while time.time() < deadline and not {"challenged", "failed", "solved"} <= set(counted):
            for name, value, kind, labels in self.metrics(start, "captchas_total"):
                self.assertEqual(kind, "c")
                if labels.get("source") == filter_id and labels.get("action") == "edit":
                    counted[labels["outcome"]] = counted.get(labels["outcome"], 0) + value
            time.sleep(0.2)
        self.assertGreaterEqual(counted.get("challenged", 0), 1, counted)
        self.assertGreaterEqual(counted.get("failed", 0), 1, counted)
        self.assertEqual(counted.get("solved", 0), 1, counted)
        # Counts only: nothing of the person.
        for line in listener.seen(start):
            self.assertNotIn("127.0.0.1", line)

    def test_the_emergency_switchs_state_per_wiki(self):
        admin = WikiClient(BASE).login("Admin")

        def switch(**params):
            answer = admin.api(post={"token": admin.token(), **params}, action="emergencycaptcha")
            self.assertIn("emergencycaptcha", answer, answer)
            time.sleep(test_emergency.SETTLE)

        def state_after_an_edit():
            start = listener.mark()
            WikiClient(BASE).edit(unique("CG metrics switch"), "plain text")
            found = self.metrics(start, "emergency_active")
            self.assertTrue(found, "the worker that refreshed sent the switch's state")
            return {labels.get("wiki"): value for _, value, kind, labels in found if kind == "g"}

        switch(state="on", actions="edit|create", expiry="1 hour", reason="metrics test")
        try:
            self.assertEqual(set(state_after_an_edit().values()), {1.0})
        finally:
            switch(state="off", reason="metrics test over")
        self.assertEqual(set(state_after_an_edit().values()), {0.0})

    def test_siteverify_latency_and_errors(self):
        for kind, expected in (("score-0.3", None), ("timeout", "timeout"), ("huge200mb", "too_large"),
                               ("http500", "http")):
            with self.subTest(kind=kind):
                start = listener.mark()
                client = WikiClient(HC_BASE)
                client.edit(unique("CG metrics hc"), "text", captchaword=f"{kind}~{unique('m')}")
                timings = self.metrics(start, "siteverify_seconds")
                self.assertEqual([t[2] for t in timings], ["ms"], timings)
                self.assertGreater(timings[0][1], 0)
                errors = self.metrics(start, "siteverify_errors_total", wait=0.5 if expected is None else 5.0)
                self.assertEqual([e[3].get("kind") for e in errors], [expected] if expected else [], errors)


if __name__ == "__main__":
    unittest.main()
