"""Issue 21, item 1: a filter's CAPTCHA on page moves, on MediaWiki 1.39 and
1.43. The move API answers as the edit API does (a `captcha` object, then
`captchaid`/`captchaword`); Special:MovePage comes back with the filter's
message and the CAPTCHA in the form, everything typed kept. showcaptcha leaves
`skipcaptcha` holders alone, forcecaptcha does not, exempt users are never
asked, and AbuseLog lists the action only when a CAPTCHA was demanded.
"""

import re
import time
import unittest

from test_captcha_actions import filters_for
from wikiclient import CAPTCHA_ANSWER, WikiClient, form_fields, strip_tags, unique, wikis_from_env

FLAGGED = "An abuse filter flagged this page move as possibly automated"
WRONG = "The answer to the CAPTCHA was wrong"


class MovesBase(unittest.TestCase):
    wiki = base = None

    @classmethod
    def setUpClass(cls):
        cls.filters = filters_for(cls.wiki, cls.base)
        cls.admin = WikiClient(cls.base).login("Admin")

    def mover(self, user):
        return WikiClient(self.base).login(user)

    def new_page(self, client, prefix="CG move source"):
        title = unique(prefix)
        self.assertEqual(client.edit(title, "movable")["edit"]["result"], "Success")
        return title

    def move(self, client, source, target, **extra):
        return client.api(post={"from": source, "to": target, "token": client.token(), **extra}, action="move")

    def assert_asked(self, answer, code="captchaguard-move-flagged"):
        error = answer.get("error", {})
        self.assertEqual(error.get("code"), code, answer)
        captcha = error["captcha"]
        self.assertEqual(captcha["type"], "question")
        self.assertEqual(captcha["question"], "Type the word guard")
        self.assertEqual(captcha["captchaguard"]["code"], code)
        return captcha

    def results(self, title):
        log = self.admin.api(action="query", list="abuselog", afltitle=title, aflprop="action|result",
                             afllimit="50", afldir="newer")["query"]["abuselog"]
        return [(entry["action"], entry["result"]) for entry in log]

    def move_counts(self):
        rows = self.admin.api(action="query", list="captchaguardoutcomes", cgofilter=str(self.filters["move"]),
                              cgodays="1")["query"]["captchaguardoutcomes"]
        row = next((r for r in rows if r["action"] == "move"), {})
        return {k: row.get(k, 0) for k in ("challenged", "solved", "failed")}

    def wait_for_counts(self, expected):
        """The counts are written after the response: read until they are there."""
        for _ in range(50):
            if self.move_counts() == expected:
                return
            time.sleep(0.1)
        self.assertEqual(self.move_counts(), expected)

    def test_api_move_asks_then_takes_the_answer(self):
        before = self.move_counts()
        alice = self.mover("Alice")
        source, target = self.new_page(alice), unique("CgMoveTrigger")
        captcha = self.assert_asked(self.move(alice, source, target))
        self.assertIsNone(alice.page_text(target))
        again = self.assert_asked(self.move(alice, source, target, captchaid=captcha["id"], captchaword="nope"),
                                  "captchaguard-move-wrong-answer")
        self.assertNotEqual(again["id"], captcha["id"])
        moved = self.move(alice, source, target, captchaid=again["id"], captchaword=CAPTCHA_ANSWER)
        self.assertEqual(moved.get("move", {}).get("to"), target, moved)
        # The answer's fields are the module's own: no "Unrecognized parameters".
        self.assertNotIn("warnings", moved)
        self.assertEqual(alice.page_text(target), "movable")
        # Listed when a CAPTCHA was demanded, not for the answered move.
        self.assertEqual(self.results(source), [("move", "showcaptcha")] * 2 + [("move", "")])
        # The filter's outcomes: one challenge, one wrong answer, solved once the page moved.
        self.wait_for_counts({"challenged": before["challenged"] + 1, "solved": before["solved"] + 1,
                              "failed": before["failed"] + 1})

    def test_one_answer_moves_the_talk_page_too(self):
        alice = self.mover("Alice")
        source = self.new_page(alice)
        self.assertEqual(alice.edit("Talk:" + source, "talk")["edit"]["result"], "Success")
        target = unique("CgMoveTrigger")
        captcha = self.assert_asked(self.move(alice, source, target, movetalk="1"))
        moved = self.move(alice, source, target, movetalk="1", captchaid=captcha["id"], captchaword=CAPTCHA_ANSWER)
        self.assertEqual(moved["move"].get("talkto"), "Talk:" + target, moved)
        self.assertEqual(alice.page_text("Talk:" + target), "talk")

    def test_skipcaptcha_holders_only_by_forcecaptcha_and_exempt_users_never(self):
        skipper, exempt = self.mover("Skipper"), self.mover("Exempt")
        # showcaptcha: a skipcaptcha holder moves without a CAPTCHA, and nothing is listed as taken.
        source = self.new_page(skipper)
        moved = self.move(skipper, source, unique("CgMoveTrigger"))
        self.assertIn("move", moved, moved)
        self.assertEqual(self.results(source), [("move", "")])
        # forcecaptcha: asked all the same (the autoconfirmed spammers of seed 003).
        source = self.new_page(skipper)
        target = unique("CgForceMove")
        captcha = self.assert_asked(self.move(skipper, source, target))
        moved = self.move(skipper, source, target, captchaid=captcha["id"], captchaword=CAPTCHA_ANSWER)
        self.assertIn("move", moved, moved)
        self.assertEqual(self.results(source), [("move", "forcecaptcha"), ("move", "")])
        # Exempt from CAPTCHAs: never asked, by either action.
        for trigger in ("CgMoveTrigger", "CgForceMove"):
            source = self.new_page(exempt)
            moved = self.move(exempt, source, unique(trigger))
            self.assertIn("move", moved, moved)
            self.assertEqual(self.results(source), [("move", "")])

    def test_move_form_keeps_what_was_typed_and_shows_the_captcha_in_it(self):
        alice = self.mover("Alice")
        source, target = self.new_page(alice), unique("CgMoveTrigger")
        page = alice.request("/index.php", params={"title": "Special:MovePage/" + source.replace(" ", "_")})
        fields, _ = form_fields(page.text, "movepage")
        self.assertNotIn("wpCaptchaWord", fields)
        fields.update({"wpNewTitleMain": target, "wpReason": "Typed reason 21"})
        refused = alice.request("/index.php", params={"title": "Special:MovePage", "action": "submit"}, data=fields)
        text = strip_tags(refused.text)
        self.assertIn(FLAGGED, text)
        self.assertIn("Type the word guard", text)
        kept, order = form_fields(refused.text, "movepage")
        # Everything typed is still there, and the CAPTCHA is inside the form, at its top.
        self.assertEqual(kept["wpNewTitleMain"], target)
        self.assertEqual(kept["wpReason"], "Typed reason 21")
        self.assertEqual(order[:2], ["wpCaptchaWord", "wpCaptchaId"])
        self.assertIsNone(alice.page_text(target))
        # A wrong answer says so, with a new CAPTCHA.
        wrong = alice.request("/index.php", params={"title": "Special:MovePage", "action": "submit"},
                              data={**kept, "wpCaptchaWord": "nope"})
        self.assertIn(WRONG, strip_tags(wrong.text))
        again, _ = form_fields(wrong.text, "movepage")
        self.assertNotEqual(again["wpCaptchaId"], kept["wpCaptchaId"])
        self.assertEqual(again["wpReason"], "Typed reason 21")
        done = alice.request("/index.php", params={"title": "Special:MovePage", "action": "submit"},
                             data={**again, "wpCaptchaWord": CAPTCHA_ANSWER})
        self.assertEqual(done.status, 200)
        self.assertTrue(re.search(r"<h1[^>]*>[^<]*Move succeeded", done.text), strip_tags(done.text)[:400])
        self.assertEqual(alice.page_text(target), "movable")
        # The reason typed in the first form is the move's.
        log = self.admin.api(action="query", list="logevents", letype="move", letitle=source)
        self.assertEqual(log["query"]["logevents"][0]["comment"], "Typed reason 21")

    def test_moves_no_filter_matches_are_not_asked(self):
        alice = self.mover("Alice")
        source = self.new_page(alice)
        moved = self.move(alice, source, unique("CG quiet target"))
        self.assertIn("move", moved, moved)
        self.assertEqual(self.results(source), [])


# Each wiki on two ports: ConfirmEdit, AbuseFilter, CaptchaGuard loaded in that order and in reverse.
for _name, _port, _ in wikis_from_env("CAPTCHAGUARD_WIKIS", "mw139=8101,mw143=8111"):
    for _offset, _order in enumerate(("ce_af_cg", "cg_af_ce")):
        globals()[f"Moves_{_name}_{_order}"] = type(f"Moves_{_name}_{_order}", (MovesBase,), {
            "wiki": _name, "base": f"http://127.0.0.1:{_port + _offset}"})
del MovesBase
