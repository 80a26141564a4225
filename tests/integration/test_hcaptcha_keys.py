"""hCaptcha's always-challenge site key (issue 23, item 3), against real wikis
using CaptchaGuard's HCaptcha class with $wgCaptchaGuardHCaptchaChallengeSiteKey
set, and the fake siteverify, whose answers name the key a token was solved
with. A CAPTCHA a filter or the emergency switch demands is shown with the
challenge key and passes only if solved with it; ConfirmEdit's own triggers
keep the usual key, and either key passes them.

CAPTCHAGUARD_HCAPTCHA_WIKIS names the API wikis ("name=port,..."); the
VisualEditor test runs on CAPTCHAGUARD_HCAPTCHA_EDITORS_WIKI (MediaWiki 1.43
with VisualEditor, the stand-in widget served by fake_siteverify.py).
"""

import os
import re
import time
import unittest

import fake_siteverify
from test_captcha_actions import FLAGGED, create_filter
from wikiclient import WikiClient, form_fields, unique, wikis_from_env

# The fake siteverify, started and stopped for this module as for test_risk_score's.
from test_risk_score import setUpModule, tearDownModule  # noqa: F401,E402

USUAL = "test-site-key"
CHALLENGE = fake_siteverify.CHALLENGE_KEY
TRIGGER = "cg-challenge-key-trigger"
SWITCH_SETTLE = 3.0  # $wgCaptchaGuardEmergencyRefresh (2 s) and a second


def shown_keys(html):
    return re.findall(r'class="h-captcha[^"]*" data-sitekey="([^"]*)"', html)


def solved_with(key):
    """A fresh token siteverify will say was solved with `key`."""
    return f"pass@{key}~{unique('k')}"


class SiteKeysBase(unittest.TestCase):
    base = None

    @classmethod
    def setUpClass(cls):
        create_filter(cls.base, "cg challenge key", f'added_lines rlike "{TRIGGER}"', {"showcaptcha": {}})

    def verified(self, token):
        return [r for r in fake_siteverify.SiteVerify.received if r.get("response") == token]

    def test_a_filters_captcha_shows_the_challenge_key_and_refuses_the_usual_one(self):
        client = WikiClient(self.base)
        title, text = unique("CG challenge"), f"flagged {TRIGGER}"
        first = client.edit(title, text)["edit"]
        self.assertEqual(first["result"], "Failure", first)
        usual = solved_with(USUAL)
        second = client.edit(title, text, captchaword=usual)["edit"]
        # Solved with the passive key: asked again, now with the challenge key.
        self.assertEqual(second["result"], "Failure", second)
        self.assertEqual(second["captcha"]["key"], CHALLENGE, second)
        self.assertEqual(len(self.verified(usual)), 1, "the token was sent more than once")
        self.assertIsNone(client.page_text(title))
        third = client.edit(title, text, captchaword=solved_with(CHALLENGE))["edit"]
        self.assertEqual(third["result"], "Success", third)

    def test_confirmedits_own_trigger_keeps_the_usual_key_and_takes_it(self):
        client = WikiClient(self.base)
        title = unique("CG usual key")
        first = client.edit(title, "an ordinary edit")["edit"]
        self.assertEqual(first["result"], "Failure", first)
        self.assertEqual(first["captcha"]["key"], USUAL, first)
        saved = client.edit(title, "an ordinary edit", captchaword=solved_with(USUAL))["edit"]
        self.assertEqual(saved["result"], "Success", saved)

    def test_the_edit_form_shows_the_key_of_its_captcha(self):
        client = WikiClient(self.base)
        title, text = unique("CG form key"), f"typed {TRIGGER}"
        fields, _ = form_fields(client.open_editor(title).text)
        # These wikis ask every anonymous edit (ConfirmEdit's trigger, which
        # runs before the filters): the first CAPTCHA is the usual one.
        first = client.submit_editor(title, fields, wpTextbox1=text)
        self.assertEqual(shown_keys(first.text), [USUAL])
        fields, _ = form_fields(first.text)
        # Answered with it, the filter runs and asks for the challenge key.
        second = client.submit_editor(title, fields, **{"h-captcha-response": solved_with(USUAL)})
        self.assertEqual(shown_keys(second.text), [CHALLENGE])
        fields, _ = form_fields(second.text)
        # What was typed comes back each time.
        self.assertEqual(fields.get("wpTextbox1", "").strip(), text)
        self.assertIsNone(client.page_text(title))
        client.submit_editor(title, fields, **{"h-captcha-response": solved_with(CHALLENGE)})
        self.assertEqual((client.page_text(title) or "").strip(), text)

    def test_the_emergency_switch_asks_with_the_challenge_key(self):
        admin = WikiClient(self.base).login("Admin")
        on = admin.api(post={"state": "on", "actions": "edit", "expiry": "1 hour",
                             "reason": "challenge key test", "token": admin.token()},
                       action="emergencycaptcha")
        self.assertTrue(on["emergencycaptcha"]["active"], on)
        try:
            time.sleep(SWITCH_SETTLE)
            client = WikiClient(self.base)
            title = unique("CG switch key")
            first = client.edit(title, "during an attack")["edit"]
            self.assertEqual(first["captcha"]["key"], CHALLENGE, first)
            refused = client.edit(title, "during an attack", captchaword=solved_with(USUAL))["edit"]
            self.assertEqual(refused["result"], "Failure", refused)
            self.assertEqual(refused["captcha"]["key"], CHALLENGE, refused)
            saved = client.edit(title, "during an attack", captchaword=solved_with(CHALLENGE))["edit"]
            self.assertEqual(saved["result"], "Success", saved)
        finally:
            admin.api(post={"state": "off", "reason": "test over", "token": admin.token()},
                      action="emergencycaptcha")
            time.sleep(SWITCH_SETTLE)
        # Switched off, ConfirmEdit's own trigger is back to the usual key.
        after = WikiClient(self.base).edit(unique("CG switch off key"), "calm again")["edit"]
        self.assertEqual(after["captcha"]["key"], USUAL, after)

    def test_a_filters_sign_up_captcha_asks_for_the_challenge_key(self):
        create_filter(self.base, "CG challenge key sign-ups",
                      'action == "createaccount" & accountname rlike "ChallengeSignup"', {"showcaptcha": {}})
        client = WikiClient(self.base)
        name = f"ChallengeSignup{int(time.time() * 1000)}"
        refused = client.create_account(name)
        self.assertEqual(refused["messagecode"], "captchaguard-createaccount-flagged", refused)
        form = client.request("/index.php", params={"title": "Special:CreateAccount"}).text
        self.assertEqual(shown_keys(form), [CHALLENGE])
        usual = client.create_account(name, captchaWord=solved_with(USUAL))
        self.assertNotEqual(usual["status"], "PASS", usual)
        self.assertFalse(client.user_exists(name))
        created = client.create_account(name, captchaWord=solved_with(CHALLENGE))
        self.assertEqual(created["status"], "PASS", created)
        # Without a filter's demand the sign-up form keeps the usual key.
        calm = WikiClient(self.base).request("/index.php", params={"title": "Special:CreateAccount"}).text
        self.assertEqual(shown_keys(calm), [USUAL])

    def test_visualeditors_handler_is_registered_with_its_script(self):
        client = WikiClient(self.base)
        module = client.request("/load.php", params={
            "modules": "ext.captchaGuard.hCaptcha.visualEditor", "debug": "1", "lang": "en",
        }).text
        self.assertIn("confirmEditHCaptcha", module)
        self.assertIn('"scriptUrl": "http://127.0.0.1:8199/1/api.js"', module)
        startup = client.request("/load.php", params={"modules": "startup", "only": "scripts"}).text
        self.assertIn('"ext.captchaGuard.hCaptcha.visualEditor"', startup)


EDITORS = os.environ.get("CAPTCHAGUARD_HCAPTCHA_EDITORS_WIKI")


@unittest.skipUnless(EDITORS, "CAPTCHAGUARD_HCAPTCHA_EDITORS_WIKI names no wiki")
class TestVisualEditorSiteKeys(unittest.TestCase):
    """VisualEditor shows the key each CAPTCHA asks for: with ConfirmEdit's own
    handler the filter's CAPTCHA would show the usual key every time, and each
    of its answers would be refused."""

    SOLVE = ".ve-ui-mwSaveDialog .ext-captchaguard-hcaptcha .hcaptcha-standin-solve"

    def setUp(self):
        from browser import Browser  # Debian's selenium, for /usr/bin/python3 only
        _, port, _ = next(wikis_from_env("CAPTCHAGUARD_HCAPTCHA_EDITORS_WIKI", EDITORS))
        self.base = f"http://127.0.0.1:{port}"
        create_filter(self.base, "cg challenge key", f'added_lines rlike "{TRIGGER}"', {"showcaptcha": {}})
        self.browser = Browser(self.base, self.id().split(".")[-1])

    def tearDown(self):
        self.browser.quit()

    def edit_in_visualeditor(self, title, text):
        from test_editors import VisualEditorTest
        # The steps of test_editors' VisualEditor tests, on this wiki.
        steps = VisualEditorTest.__new__(VisualEditorTest)
        steps.browser = self.browser
        steps.open_editor(title)
        steps.type_and_open_save_dialog(text)
        steps.save()

    def solve(self, key, reason=None):
        """Waits for the widget with `key` and solves it; VisualEditor then saves again.
        Above it the filter's `reason` (or none), under it the help line."""
        b = self.browser
        css = f'{self.SOLVE}[data-sitekey="{key}"]'
        b.wait_for(css)
        b.shot(f"widget-{key}")
        shown = b.text(".ve-ui-mwSaveDialog .ext-captchaguard-hcaptcha")
        if reason:
            self.assertIn(reason, shown)
        else:
            self.assertNotIn(FLAGGED, shown)
        self.assertIn("Cannot solve CAPTCHAs?", shown)
        b.click(css)

    def saved_text(self, title):
        b = self.browser
        b.wait_until(lambda: not b.visible(".ve-ui-mwSaveDialog"), "the saved page")
        b.shot("saved")
        return (WikiClient(self.base).page_text(title) or "").strip()

    def test_a_flagged_edit_is_asked_with_the_challenge_key_and_saves(self):
        title, text = unique("CG ve challenge"), f"Visual {TRIGGER}"
        self.edit_in_visualeditor(title, text)
        # ConfirmEdit's trigger asks every anonymous edit first, with the usual key;
        # then the filter asks for the challenge key.
        self.solve(USUAL)
        self.solve(CHALLENGE, reason=FLAGGED)
        self.assertEqual(self.saved_text(title), text)

    def test_an_ordinary_edit_keeps_the_usual_key(self):
        title, text = unique("CG ve usual"), "Visual and ordinary"
        self.edit_in_visualeditor(title, text)
        self.solve(USUAL)
        self.assertEqual(self.saved_text(title), text)


for name, port, wiki_dir in wikis_from_env("CAPTCHAGUARD_HCAPTCHA_WIKIS", "hc139=8161,hc143=8171"):
    globals()[f"TestSiteKeys_{name}"] = type(
        f"TestSiteKeys_{name}", (SiteKeysBase,), {"base": f"http://127.0.0.1:{port}"}
    )
del SiteKeysBase

if __name__ == "__main__":
    unittest.main()
