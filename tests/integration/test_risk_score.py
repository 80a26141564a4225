"""hCaptcha's risk score, end to end, against real wikis using CaptchaGuard's
HCaptcha class and a fake siteverify (fake_siteverify.py) on 127.0.0.1:8199.
CAPTCHAGUARD_HCAPTCHA_WIKIS names the wikis ("name=port,...")."""

import hashlib
import json
import os
import re
import subprocess
import time
import unittest

import fake_siteverify
from test_captcha_actions import create_filter
from wikiclient import USER_PASSWORD, WikiClient, unique, wikis_from_env

SITEVERIFY_PORT = 8199
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
_server = None


def setUpModule():
    global _server
    _server = fake_siteverify.start(SITEVERIFY_PORT)


def tearDownModule():
    _server.shutdown()


def fresh(kind):
    """A token of `kind` that siteverify has not seen (tokens are single-use)."""
    return f"{kind}~{unique('t')}"


class RiskScoreBase(unittest.TestCase):
    base = None
    wiki_dir = None

    def events(self):
        """Events in the event log file or, where EventLogging is loaded,
        those the EventLogging stand-in accepted (stream in meta.stream)."""
        events = []
        for name in ("events.jsonl", "eventlogging.jsonl"):
            path = os.path.join(self.wiki_dir, name)
            if os.path.exists(path):
                with open(path) as f:
                    events += [json.loads(line) for line in f]
        for event in events:
            event.setdefault("$stream", event.get("meta", {}).get("stream"))
        return events

    def read(self, name):
        path = os.path.join(self.wiki_dir, name)
        if not os.path.exists(path):
            return ""
        with open(path) as f:
            return f.read()

    def event_file_text(self):
        return self.read("events.jsonl") + self.read("eventlogging.jsonl")

    def log_lines(self):
        return self.read("captchaguard.log").splitlines()

    def anonymous_edit(self, kind, title=None, text="scored text"):
        """An anonymous edit asked for a CAPTCHA, answered with a fresh token of `kind`."""
        client = WikiClient(self.base)
        title = title or f"Risk {kind} {time.time()}"
        first = client.edit(title, text)
        self.assertEqual(first["edit"]["result"], "Failure", first)
        self.assertEqual(first["edit"]["captcha"]["type"], "hcaptcha")
        return title, client.edit(title, text, captchaword=fresh(kind))

    def test_anonymous_edit_event_has_revision_and_bucketed_score(self):
        before = len(self.events())
        title, result = self.anonymous_edit("score-0.73")
        self.assertEqual(result["edit"]["result"], "Success", result)
        new = self.events()[before:]
        edits = [e for e in new if e["$stream"] == "mediawiki.captchaguard.edit"]
        self.assertEqual(len(edits), 1, new)
        self.assertEqual(edits[0]["revisionId"], result["edit"]["newrevid"])
        self.assertEqual(edits[0]["pageId"], result["edit"]["pageid"])
        self.assertEqual(edits[0]["performerId"], 0)
        self.assertEqual(edits[0]["hCaptchaScore"], 0.7)
        self.assertEqual(edits[0]["$schema"], "/analytics/mediawiki/captchaguard/edit/1.0.0")
        self.assertNotIn("ip", edits[0])
        self.assertNotIn("userAgent", edits[0])
        sent = fake_siteverify.SiteVerify.received[-1]
        self.assertEqual(sent["secret"], "test-secret-key")
        self.assertNotIn("remoteip", sent)

    def test_account_creation_event(self):
        before = len(self.events())
        client = WikiClient(self.base)
        name = f"Scored{int(time.time() * 1000)}"
        token = client.api(action="query", meta="tokens", type="createaccount")
        result = client.api(
            post={
                "username": name, "password": USER_PASSWORD, "retype": USER_PASSWORD,
                "createreturnurl": self.base + "/", "captchaWord": fresh("score-0.41"),
                "createtoken": token["query"]["tokens"]["createaccounttoken"],
            },
            action="createaccount",
        )
        self.assertEqual(result["createaccount"]["status"], "PASS", result)
        created = [e for e in self.events()[before:] if e["$stream"] == "eventlogging_ServerSideAccountCreation"]
        self.assertEqual(len(created), 1)
        event = created[0]
        self.assertEqual(event["userName"], name)
        self.assertGreater(event["userId"], 0)
        self.assertEqual(event["hCaptchaScore"], 0.4)
        self.assertEqual(event["$schema"], "/analytics/legacy/serversideaccountcreation/1.2.0")
        self.assertTrue(event["isSelfMade"])
        self.assertTrue(event["isApi"])
        for field in ("campaign", "displayMobile", "token", "userBuckets"):
            self.assertIn(field, event)
        for absent in ("revisionId", "ip", "userAgent"):
            self.assertNotIn(absent, event)

    def read_score(self, name):
        """RiskScore::get() and bucketed() for `name` in a separate PHP process
        with no session, as a job or deferred update would run."""
        return subprocess.run(
            ["php", "-d", f"extension={REPO}/target/release/libcaptchaguard.so",
             os.path.join(os.path.dirname(__file__), "bin", "read-risk-score.php"), name],
            env={**os.environ, "MW_CONFIG_FILE": os.path.join(self.wiki_dir, "LocalSettings.php"),
                 "MW_INSTALL_PATH": self.read("mwroot").strip()},
            capture_output=True, text=True, check=True,
        ).stdout.split()

    def test_score_survives_in_the_cache_for_a_deferred_reader(self):
        client = WikiClient(self.base).login("Alice")
        title = f"Risk Alice {time.time()}"
        self.assertEqual(client.edit(title, "scored text")["edit"]["result"], "Failure")
        result = client.edit(title, "scored text", captchaword=fresh("score-0.58"))
        self.assertEqual(result["edit"]["result"], "Success", result)
        self.assertEqual(self.read_score("Alice"), ["session=none", "score=0.58", "bucket=0.5"])

    def test_anonymous_scores_are_kept_per_session_under_an_hmac(self):
        """Two people behind one address keep their own scores; no key can be
        turned back into the address."""
        self.anonymous_edit("score-0.11")
        self.anonymous_edit("pass")
        self.assertEqual(self.read_score("127.0.0.1"), ["session=none", "score=none", "bucket=-1"],
                         "another session cannot read an anonymous user's score")
        stash = ""
        db = os.path.join(self.wiki_dir, "db")
        for name in os.listdir(db):
            if os.path.isfile(os.path.join(db, name)):
                with open(os.path.join(db, name), "rb") as f:
                    stash += f.read().decode("latin-1")
        keys = set(re.findall(r"captchaguard-hcaptcha-score:([0-9a-f]{64})", stash))
        self.assertGreaterEqual(len(keys), 1, "the score is in the object stash")
        self.assertNotIn(hashlib.sha256(b"127.0.0.1").hexdigest(), keys)

    def test_bad_siteverify_answers(self):
        cases = {
            "timeout": False, "http500": False, "malformed": False,
            "refused": False, "errorcodes": False,
            "score-text": True, "score-2": True, "pass": True,
            "notutf8": False, "huge": False, "codes-success": False,
        }
        for token, passes in cases.items():
            with self.subTest(token=token):
                before_events, before_log = len(self.events()), len(self.log_lines())
                title, result = self.anonymous_edit(token)
                if passes:
                    self.assertEqual(result["edit"]["result"], "Success", result)
                    edits = [e for e in self.events()[before_events:] if "revisionId" in e]
                    self.assertEqual([e["hCaptchaScore"] for e in edits], [-1])
                else:
                    self.assertEqual(result["edit"]["result"], "Failure", result)
                    self.assertIn("captcha", result["edit"])
                    self.assertEqual(len(self.events()), before_events)
                logged = [l for l in self.log_lines()[before_log:] if "hCaptcha verification" in l]
                self.assertEqual(len(logged), 0 if token == "pass" else 1, logged)

    def sent_tokens(self, before):
        return [f["response"] for f in fake_siteverify.SiteVerify.received[before:]]

    def test_a_huge_answer_is_cut_off_while_reading(self):
        """A 200 MB answer: the edit gets a fresh CAPTCHA, not an out-of-memory error."""
        before_log, cut_before = len(self.log_lines()), len(fake_siteverify.SiteVerify.cut_off)
        title, result = self.anonymous_edit("huge200mb")
        self.assertEqual(result["edit"]["result"], "Failure", result)
        self.assertIn("captcha", result["edit"])
        logged = [l for l in self.log_lines()[before_log:] if "hCaptcha verification" in l]
        self.assertEqual(len(logged), 1, logged)
        self.assertIn("larger than 16384 bytes", logged[0])
        # The wiki hung up long before the end.
        time.sleep(0.5)
        self.assertEqual(len(fake_siteverify.SiteVerify.cut_off), cut_before + 1)
        self.assertLess(fake_siteverify.SiteVerify.cut_off[-1], 100 * 1024 * 1024)
        self.assertIsNone(WikiClient(self.base).page_text(title))

    def test_a_slow_drip_or_a_time_out_sends_the_token_once_and_asks_again(self):
        for kind in ("drip", "timeout"):
            with self.subTest(kind=kind):
                before = len(fake_siteverify.SiteVerify.received)
                client = WikiClient(self.base)
                title = f"Siteverify {kind} {time.time()}"
                token = fresh(kind)
                result = client.edit(title, "kept text", captchaword=token)
                self.assertEqual(result["edit"]["result"], "Failure", result)
                self.assertEqual(result["edit"]["captcha"]["error"], "http", result)
                self.assertEqual(self.sent_tokens(before), [token], "a single-use token is sent once")
                # A fresh CAPTCHA, solved, saves the edit.
                result = client.edit(title, "kept text", captchaword=fresh("score-0.4"))
                self.assertEqual(result["edit"]["result"], "Success", result)

    def test_a_failing_event_never_affects_the_saved_edit(self):
        client = WikiClient(self.base)
        # wiki-settings.php points this request's events at a folder that does not exist.
        client.opener.addheaders = [("X-CaptchaGuard-Test", "broken-events")]
        before_log = len(self.log_lines())
        title = f"Broken events {time.time()}"
        self.assertEqual(client.edit(title, "kept text")["edit"]["result"], "Failure")
        result = client.edit(title, "kept text", captchaword=fresh("score-0.5"))
        self.assertEqual(result["edit"]["result"], "Success", result)
        self.assertEqual(client.page_text(title).strip(), "kept text")
        logged = [l for l in self.log_lines()[before_log:] if "Could not send the edit event" in l]
        self.assertEqual(len(logged), 1, self.log_lines()[before_log:])

    def test_two_matching_filters_and_confirmedit_verify_one_token_once(self):
        for n in (1, 2):
            create_filter(self.base, f"CG hCaptcha filter {n}",
                          'action == "edit" & added_lines rlike "twofilters"', {"showcaptcha": {}})
        before = len(fake_siteverify.SiteVerify.received)
        title, result = self.anonymous_edit("score-0.62", text="twofilters text")
        self.assertEqual(result["edit"]["result"], "Success", result)
        sent = [f["response"] for f in fake_siteverify.SiteVerify.received[before:]]
        self.assertEqual(len(sent), 1, sent)
        edits = [e for e in self.events() if e.get("revisionId") == result["edit"]["newrevid"]]
        self.assertEqual([e["hCaptchaScore"] for e in edits], [0.6])

    def test_refused_edits_are_counted_with_the_filter_and_the_answer(self):
        # forcecaptcha for a skipcaptcha user: ConfirmEdit's own edit trigger (on in
        # this wiki) skips them, so the filter is what asks.
        filter_id = create_filter(self.base, "CG refused edits, forced", 'added_lines rlike "refusedcount"',
                                  {"forcecaptcha": {}})
        client = WikiClient(self.base).login("Skipper")
        user_id = client.api(action="query", meta="userinfo")["query"]["userinfo"]["id"]
        title, text = unique("Refused"), "refusedcount text"
        before = len(self.events())
        self.assertEqual(client.edit(title, text)["edit"]["result"], "Failure")
        wrong = client.edit(title, text, captchaword=fresh("refused"))
        self.assertEqual(wrong["edit"]["result"], "Failure", wrong)
        saved = client.edit(title, text, captchaword=fresh("score-0.81"))
        self.assertEqual(saved["edit"]["result"], "Success", saved)
        # The session now holds a score: the next refusal carries its bucket.
        self.assertEqual(client.edit(unique("Refused"), text)["edit"]["result"], "Failure")
        new = self.events()[before:]
        failed = [e for e in new if e["$stream"] == "mediawiki.captchaguard.failed_edit"]
        self.assertEqual([(e["answer"], e["hCaptchaScore"]) for e in failed],
                         [("missing", -1), ("wrong", -1), ("missing", 0.8)], new)
        for event in failed:
            self.assertEqual(event["filterId"], str(filter_id))
            self.assertEqual(event["captchaAction"], "forcecaptcha")
            self.assertEqual(event["performerId"], user_id)
            self.assertTrue(event["isApi"])
            self.assertEqual(event["$schema"], "/analytics/mediawiki/captchaguard/failed_edit/1.0.0")
            for absent in ("ip", "userAgent", "revisionId"):
                self.assertNotIn(absent, event)
        saved_events = [e for e in new if e.get("revisionId") == saved["edit"]["newrevid"]]
        self.assertEqual([e["hCaptchaScore"] for e in saved_events], [0.8])

    def test_refused_sign_ups_are_counted(self):
        filter_id = create_filter(self.base, "CG refused sign-ups",
                                  'action == "createaccount" & accountname rlike "RefusedSignup"',
                                  {"showcaptcha": {}})
        client = WikiClient(self.base)
        name = f"RefusedSignup{int(time.time() * 1000)}"
        before = len(self.events())

        def create(**answer):
            token = client.api(action="query", meta="tokens", type="createaccount")
            return client.api(post={
                "username": name, "password": USER_PASSWORD, "retype": USER_PASSWORD,
                "createreturnurl": self.base + "/",
                "createtoken": token["query"]["tokens"]["createaccounttoken"], **answer,
            }, action="createaccount")["createaccount"]

        refused = create()
        self.assertEqual(refused["messagecode"], "captchaguard-createaccount-flagged", refused)
        self.assertEqual(create(captchaWord=fresh("score-0.52"))["status"], "PASS")
        new = self.events()[before:]
        failed = [e for e in new if e["$stream"] == "mediawiki.captchaguard.failed_accountcreation"]
        self.assertEqual([(e["answer"], e["filterId"], e["performerId"]) for e in failed],
                         [("missing", str(filter_id), 0)], new)
        self.assertEqual(failed[0]["$schema"],
                         "/analytics/mediawiki/captchaguard/failed_accountcreation/1.0.0")
        self.assertNotIn("ip", failed[0])
        created = [e for e in new if e["$stream"] == "eventlogging_ServerSideAccountCreation"]
        self.assertEqual([e["hCaptchaScore"] for e in created], [0.5])

    def test_a_reused_token_is_refused(self):
        token = fresh("score-0.2")
        client = WikiClient(self.base)
        title = f"Reused {time.time()}"
        client.edit(title, "first")
        self.assertEqual(client.edit(title, "first", captchaword=token)["edit"]["result"], "Success")
        again = WikiClient(self.base)
        again.edit(title + " 2", "second")
        refused = again.edit(title + " 2", "second", captchaword=token)
        self.assertEqual(refused["edit"]["result"], "Failure", refused)

    def test_raw_scores_are_nowhere_in_the_event_file_or_log(self):
        self.anonymous_edit("score-0.7312")
        text = self.event_file_text() + "\n".join(self.log_lines())
        for raw in ("0.73", "0.41", "0.58", "0.7312", "0.81"):
            self.assertNotIn(raw, text)


class EventLoggingChecks:
    """For the wiki that loads EventLogging (the stand-in that, like
    EventLogging REL1_43's EventBusEventSubmitter, drops an event without
    $schema with a warning)."""

    def test_eventlogging_takes_every_event_and_drops_none(self):
        file_before = self.read("events.jsonl")
        accepted_before = self.read("eventlogging.jsonl").count("\n")
        title, result = self.anonymous_edit("score-0.33")
        self.assertEqual(result["edit"]["result"], "Success", result)
        accepted = self.read("eventlogging.jsonl").splitlines()[accepted_before:]
        self.assertEqual(len(accepted), 1, accepted)
        event = json.loads(accepted[0])
        self.assertEqual(event["meta"]["stream"], "mediawiki.captchaguard.edit")
        # Accepted for its $schema; the stream is EventLogging's to set.
        self.assertEqual(event["$schema"], "/analytics/mediawiki/captchaguard/edit/1.0.0")
        self.assertNotIn("$stream", event)
        self.assertRegex(event["dt"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(event["revisionId"], result["edit"]["newrevid"])
        self.assertEqual(event["hCaptchaScore"], 0.3)
        self.assertEqual(self.read("events.jsonl"), file_before, "EventLogging, not the file")
        self.assertNotIn("missing required field", self.read("eventlogging.log"))


def load_tests(loader, tests, pattern):
    suite = unittest.TestSuite()
    for name, port, wiki_dir in wikis_from_env("CAPTCHAGUARD_HCAPTCHA_WIKIS", "hc143=8171"):
        bases = (EventLoggingChecks, RiskScoreBase) if name == "hc143" else (RiskScoreBase,)
        cls = type(f"TestRiskScore_{name}", bases, {
            "base": f"http://127.0.0.1:{port}", "wiki_dir": wiki_dir,
        })
        suite.addTests(loader.loadTestsFromTestCase(cls))
    return suite


if __name__ == "__main__":
    unittest.main()
