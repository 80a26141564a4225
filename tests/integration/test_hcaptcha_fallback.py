"""hCaptcha's fallback (issue 23, item 3): while siteverify keeps failing, a
server asks another CAPTCHA (QuestyCaptcha here), logs and counts the switch,
and asks hCaptcha again when the fallback time is up. The wiki
(CAPTCHAGUARD_FALLBACK_WIKI: MediaWiki 1.39 and 1.43, two PHP-FPM workers each) uses
CaptchaGuard's hCaptcha against the fake siteverify on 127.0.0.1:8199, falls
back after 3 failures in a row, for 4 seconds."""

import os
import time
import unittest

import fake_siteverify
from statsd_listener import StatsListener, parse
from test_risk_score import fresh
from wikiclient import WikiClient, unique, wikis_from_env

NAME, PORT, WIKI_DIR = next(wikis_from_env("CAPTCHAGUARD_FALLBACK_WIKI", "hcfallback=8175"))
BASE = f"http://127.0.0.1:{PORT}"
THRESHOLD, FALLBACK_SECONDS = 3, 4
METRIC = "mediawiki.CaptchaGuard.hcaptcha_fallbacks_total:"
SITEVERIFY_PORT = int(os.environ.get("CAPTCHAGUARD_SITEVERIFY_PORT", "8199"))
STATSD_PORT = int(os.environ.get("CAPTCHAGUARD_STATSD_PORT", "8125"))
siteverify = listener = None


def setUpModule():
    global siteverify, listener
    siteverify = fake_siteverify.start(SITEVERIFY_PORT)
    listener = StatsListener(STATSD_PORT)


def tearDownModule():
    siteverify.shutdown()
    listener.stop()


class HCaptchaFallback(unittest.TestCase):
    def log_lines(self):
        path = os.path.join(WIKI_DIR, "captchaguard.log")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return f.read().splitlines()

    @staticmethod
    def mediawiki_version():
        general = WikiClient(BASE).api(action="query", meta="siteinfo")["query"]["general"]
        return tuple(int(part) for part in general["generator"].split()[1].split(".")[:2])

    def asked(self, client, title, text, **answer):
        """The CAPTCHA an anonymous edit is asked (it must be refused)."""
        result = client.edit(title, text, **answer)
        self.assertEqual(result["edit"]["result"], "Failure", result)
        return result["edit"]["captcha"]

    def test_bursts_of_5xx_ask_the_fallback_until_siteverify_answers_again(self):
        client = WikiClient(BASE)
        title, text = unique("CG fallback"), "text kept through the fallback"
        log_before, stats_before = len(self.log_lines()), listener.mark()
        self.assertEqual(self.asked(client, title, text)["type"], "hcaptcha")

        # siteverify answers HTTP 500 three times in a row: each answer fails, with a fresh hCaptcha.
        for _ in range(THRESHOLD):
            captcha = self.asked(client, title, text, captchaword=fresh("http500"))
            self.assertEqual((captcha["type"], captcha.get("error")), ("hcaptcha", "http"))

        # Now both workers ask QuestyCaptcha, and siteverify is not called.
        sent_before = len(fake_siteverify.SiteVerify.received)
        for _ in range(4):
            question = self.asked(WikiClient(BASE), unique("CG fallback other"), text)
            self.assertEqual(question["type"], "question", question)
        question = self.asked(client, title, text)
        self.assertEqual(question["question"], "Type the word guard")
        saved = client.edit(title, text, captchaid=question["id"], captchaword="guard")
        self.assertEqual(saved["edit"]["result"], "Success", saved)
        self.assertEqual(client.page_text(title), text)
        self.assertEqual(len(fake_siteverify.SiteVerify.received), sent_before)

        new_lines = self.log_lines()[log_before:]
        fell_back = [line for line in new_lines if "failed 3 times in a row" in line]
        self.assertEqual(len(fell_back), 1, new_lines)
        self.assertIn("QuestyCaptcha is asked instead", fell_back[0])
        # Counted where MediaWiki has StatsFactory (1.41+); 1.39 sends nothing.
        counted = [parse(line) for line in listener.seen(stats_before) if line.startswith(METRIC)]
        expected = [] if self.mediawiki_version() < (1, 41) else [1.0]
        self.assertEqual([value for _, value, kind, _ in counted], expected, counted)

        # When the time is up, hCaptcha again; an answer from siteverify ends the fallback.
        time.sleep(FALLBACK_SECONDS + 0.5)
        other = unique("CG fallback back")
        self.assertEqual(self.asked(client, other, text)["type"], "hcaptcha")
        saved = client.edit(other, text, captchaword=fresh("score-0.4"))
        self.assertEqual(saved["edit"]["result"], "Success", saved)
        self.assertTrue(any("answers again" in line for line in self.log_lines()[log_before:]))

    def test_a_wrong_answer_is_an_answer_and_does_not_fall_back(self):
        client = WikiClient(BASE)
        title = unique("CG fallback refused")
        for _ in range(THRESHOLD + 1):
            captcha = self.asked(client, title, "text", captchaword=fresh("refused"))
            self.assertEqual(captcha["type"], "hcaptcha")
        self.assertEqual(self.asked(client, title, "text")["type"], "hcaptcha")


if __name__ == "__main__":
    unittest.main()
