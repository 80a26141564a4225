"""CaptchaGuard's showcaptcha/forcecaptcha against real MediaWiki wikis.

Each wiki (MediaWiki 1.39 and 1.43) is served by PHP-FPM with 2 workers behind
nginx, on two ports: ConfirmEdit, AbuseFilter, CaptchaGuard loaded in that order
and in the reverse order. CAPTCHAGUARD_WIKIS names them: "name=port,...".
"""

import html
import os
import re
import unittest

from wikiclient import CAPTCHA_ANSWER, WikiClient, form_fields, strip_tags, unique, wikis_from_env

FLAGGED = "An abuse filter flagged this edit as possibly automated"
INCORRECT = "Incorrect or missing CAPTCHA"
def find_filter(admin, description):
    listing = admin.api(
        action="query", list="abusefilters", abfprop="id|description", abflimit="max"
    )
    for entry in listing["query"]["abusefilters"]:
        if entry["description"] == description:
            return entry["id"]
    return None


def submit_filter(admin, description, rules, actions, fields=None):
    """Submits Special:AbuseFilter/new as a filter editor would; the answer."""
    form = admin.request("/index.php", params={"title": "Special:AbuseFilter/new"})
    tag = re.search(r'<input[^>]*name="wpEditToken"[^>]*>', form.text)
    assert tag, "no wpEditToken on Special:AbuseFilter/new"
    token = html.unescape(re.search(r'value="([^"]*)"', tag.group(0)).group(1))
    data = {
        "wpEditToken": token,
        "wpFilterDescription": description,
        "wpFilterRules": rules,
        "wpFilterNotes": "",
        "wpFilterEnabled": "1",
        **(fields or {}),
    }
    for action, extra in actions.items():
        data["wpFilterAction" + action.capitalize()] = "1"
        data.update(extra)
    resp = admin.request(
        "/index.php", params={"title": "Special:AbuseFilter/new"}, data=data
    )
    assert resp.status in (200, 302, 303), resp.status
    return resp


def create_filter(base, description, rules, actions, user="Admin", fields=None):
    """Creates a filter through Special:AbuseFilter/new as a filter editor would;
    `fields` are more of the form's fields (wpFilterProtected=1 for protected variables)."""
    admin = WikiClient(base).login(user)
    existing = find_filter(admin, description)
    if existing:
        return existing
    resp = submit_filter(admin, description, rules, actions, fields)
    created = find_filter(admin, description)
    if created:
        return created
    raise AssertionError(f"filter {description!r} was not saved: {strip_tags(resp.text)[:600]}")


FILTERS = {}


def filters_for(name, base):
    """The test filters of one wiki, created on first use."""
    if name not in FILTERS:
        FILTERS[name] = {
            "show": create_filter(
                base, "cg show", 'added_lines rlike "cg-show-trigger"',
                {"showcaptcha": {}},
            ),
            "force": create_filter(
                base, "cg force", 'added_lines rlike "cg-force-trigger"',
                {"forcecaptcha": {}},
            ),
            "warn": create_filter(
                base, "cg warn", 'added_lines rlike "cg-warn-trigger"',
                {"warn": {"wpFilterWarnMessage": "abusefilter-warning"}, "showcaptcha": {}},
            ),
            "signup": create_filter(
                base, "cg signup", 'action == "createaccount" & accountname rlike "CgSignup"',
                {"showcaptcha": {}},
            ),
            "forcesignup": create_filter(
                base, "cg force signup", 'action == "createaccount" & accountname rlike "CgForceSignup"',
                {"forcecaptcha": {}},
            ),
            "move": create_filter(
                base, "cg move", 'action == "move" & moved_to_title rlike "CgMoveTrigger"',
                {"showcaptcha": {}},
            ),
            "forcemove": create_filter(
                base, "cg force move", 'action == "move" & moved_to_title rlike "CgForceMove"',
                {"forcecaptcha": {}},
            ),
            "upload": create_filter(
                base, "cg upload", 'action == "upload" & summary rlike "cg-upload-trigger"',
                {"showcaptcha": {}},
            ),
            "forceupload": create_filter(
                base, "cg force upload", 'action == "upload" & summary rlike "cg-force-upload"',
                {"forcecaptcha": {}},
            ),
            "delete": create_filter(
                # Not limited to deletions by its conditions (the filter editor refuses
                # a CAPTCHA there), but only deletions get this far.
                base, "cg delete", 'action != "edit" & page_title rlike "CG delete"',
                {"forcecaptcha": {}},
            ),
        }
    return FILTERS[name]


class CaptchaActionsBase(unittest.TestCase):
    wiki = None
    base = None

    @classmethod
    def setUpClass(cls):
        cls.filters = filters_for(cls.wiki, cls.base)

    def client(self, user=None):
        client = WikiClient(self.base)
        return client.login(user) if user else client

    def answer(self, captcha):
        self.assertEqual(captcha["type"], "question")
        self.assertEqual(captcha["question"], "Type the word guard")
        return {"captchaid": captcha["id"], "captchaword": CAPTCHA_ANSWER}

    def assert_challenged(self, result):
        edit = result.get("edit", {})
        self.assertEqual(edit.get("result"), "Failure", result)
        self.assertIn("captcha", edit, result)
        self.assertTrue(edit["captcha"]["id"], result)
        # Why it is asked: for API clients and the editors' CAPTCHA widget.
        reason = edit["captcha"]["captchaguard"]
        self.assertIn(reason["code"], ("captchaguard-flagged", "captchaguard-wrong-answer"))
        self.assertIn(FLAGGED, reason["html"])
        # The line for people who cannot solve CAPTCHAs, for the client to show under it.
        self.assertIn("Cannot solve CAPTCHAs?", reason["help"])
        self.assertIn("Special:ListUsers/sysop", reason["help"])
        return edit["captcha"]

    def assert_saved(self, client, title, text, result):
        self.assertEqual(result.get("edit", {}).get("result"), "Success", result)
        # No "Unrecognized parameters" for the answer's fields, or anything else.
        self.assertNotIn("warnings", result)
        self.assertEqual(client.page_text(title), text)

    def abuselog(self, title):
        admin = self.client("Admin")
        data = admin.api(
            action="query", list="abuselog", afltitle=title,
            aflprop="ids|filter|user|action|result|timestamp", afllimit="50",
            afldir="newer",
        )
        return data["query"]["abuselog"]

    # --- API -----------------------------------------------------------

    def test_api_anonymous_edit_needs_captcha_then_saves(self):
        client = self.client()
        title = unique("CG api anon")
        text = "spam cg-show-trigger"
        captcha = self.assert_challenged(client.edit(title, text))
        self.assertIsNone(client.page_text(title))
        self.assert_saved(client, title, text, client.edit(title, text, **self.answer(captcha)))
        log = self.abuselog(title)
        self.assertEqual([e["result"] for e in log], ["showcaptcha", ""], log)

    def test_a_message_changed_on_the_wiki_is_shown_at_once(self):
        # The reason and the help line are kept parsed per server: by their text.
        def reason_html():
            result = self.client().edit(unique("CG api message"), "spam cg-show-trigger")
            return result["edit"]["captcha"]["captchaguard"]["html"]

        self.assertIn(FLAGGED, reason_html())
        admin = self.client("Admin")
        page, wording = "MediaWiki:Captchaguard-flagged", unique("Solve the puzzle to save, filter")
        admin.edit(page, wording)
        try:
            html = reason_html()
            self.assertIn(wording, html)
            self.assertNotIn(FLAGGED, html)
        finally:
            admin.api(post={"title": page, "token": admin.token()}, action="delete")
        self.assertIn(FLAGGED, reason_html())

    def test_api_wrong_answer_gets_a_new_captcha(self):
        client = self.client()
        title = unique("CG api wrong")
        text = "cg-show-trigger"
        first = self.assert_challenged(client.edit(title, text))
        second = self.assert_challenged(
            client.edit(title, text, captchaid=first["id"], captchaword="wrong")
        )
        self.assertNotEqual(first["id"], second["id"])
        self.assertIsNone(client.page_text(title))
        self.assert_saved(client, title, text, client.edit(title, text, **self.answer(second)))

    def test_api_sign_up_matched_by_a_filter_asks_for_a_captcha(self):
        client = self.client()
        self.assertIsNone(client.sign_up_captcha(), "asked before any filter matched")
        name = unique("CgSignup").replace(" ", "")
        refused = client.create_account(name)
        self.assertEqual(refused["status"], "FAIL", refused)
        self.assertEqual(refused["messagecode"], "captchaguard-createaccount-flagged")
        fields = client.sign_up_captcha()
        self.assertEqual(fields["captchaInfo"]["value"], "Type the word guard")
        wrong = client.create_account(name, captchaId=fields["captchaId"]["value"],
                                    captchaWord="wrong")
        self.assertEqual(wrong["status"], "FAIL", wrong)
        self.assertEqual(wrong["messagecode"], "captchaguard-createaccount-wrong-answer", wrong)
        self.assertFalse(self.client().user_exists(name))
        fields = client.sign_up_captcha()
        created = client.create_account(name, captchaId=fields["captchaId"]["value"],
                                      captchaWord=CAPTCHA_ANSWER)
        self.assertEqual(created["status"], "PASS", created)
        self.assertTrue(self.client().user_exists(name))
        recent = self.client("Admin").api(
            action="query", list="abuselog", aflprop="action|result|filter", afllimit="20"
        )["query"]["abuselog"]
        self.assertIn(("createaccount", "showcaptcha"),
                      [(e["action"], e["result"]) for e in recent if e["filter"] == "cg signup"])

    def test_api_sign_ups_by_skipcaptcha_holders_and_exempt_users_are_not_asked(self):
        # Accounts made by someone logged in: the filter and the CAPTCHA go by the creator.
        # ConfirmEdit never shows its sign-up CAPTCHA to a skipcaptcha holder, so
        # forcecaptcha does not refuse one (the sign-up could never be answered).
        for user in ("Skipper", "Exempt"):
            client = self.client(user)
            for prefix in ("CgSignup", "CgForceSignup"):
                name = unique(prefix).replace(" ", "")
                created = client.create_account(name)
                self.assertEqual(created["status"], "PASS", (user, created))
                self.assertTrue(self.client().user_exists(name))
        # Anyone else is asked by both.
        client = self.client()
        refused = client.create_account(unique("CgForceSignup").replace(" ", ""))
        self.assertEqual(refused.get("messagecode"), "captchaguard-createaccount-flagged", refused)

    def test_api_sign_up_not_matched_is_not_asked(self):
        client = self.client()
        name = unique("CgPlainSignup").replace(" ", "")
        created = client.create_account(name)
        self.assertEqual(created["status"], "PASS", created)
        self.assertIsNone(self.client().sign_up_captcha())

    def test_the_filter_editor_labels_showcaptcha_as_captchaguard_does(self):
        form = self.client("Admin").request(
            "/index.php", params={"title": "Special:AbuseFilter/new"}).text
        label = re.search(r"mw-abusefilter-action-checkbox-showcaptcha.*?<label [^>]*>([^<]*)</label>",
                          form, re.S)
        self.assertIsNotNone(label, "no showcaptcha checkbox in the filter editor")
        # Not ConfirmEdit 1.43's, which misses exempt users, bots and sign-ups.
        self.assertEqual(html.unescape(label.group(1)),
                         "Require a CAPTCHA before the edit saves, the account is created, the page is moved "
                         "or the file is uploaded (edits, page creations, sign-ups, page moves and uploads "
                         "only; users with the skipcaptcha right, bots and CAPTCHA-exempt users are not asked)")

    def test_api_unflagged_edit_saves_without_captcha(self):
        client = self.client()
        title = unique("CG api clean")
        self.assert_saved(client, title, "harmless", client.edit(title, "harmless"))
        self.assertEqual(self.abuselog(title), [])

    def test_api_logged_in_user_is_challenged(self):
        client = self.client("Alice")
        title = unique("CG api alice")
        captcha = self.assert_challenged(client.edit(title, "cg-show-trigger"))
        self.assert_saved(
            client, title, "cg-show-trigger",
            client.edit(title, "cg-show-trigger", **self.answer(captcha)),
        )

    def test_api_skipcaptcha_skips_showcaptcha_but_not_forcecaptcha(self):
        client = self.client("Skipper")
        shown = unique("CG api skipper show")
        self.assert_saved(client, shown, "cg-show-trigger", client.edit(shown, "cg-show-trigger"))
        self.assertEqual([e["result"] for e in self.abuselog(shown)], [""])
        forced = unique("CG api skipper force")
        captcha = self.assert_challenged(client.edit(forced, "cg-force-trigger"))
        self.assert_saved(
            client, forced, "cg-force-trigger",
            client.edit(forced, "cg-force-trigger", **self.answer(captcha)),
        )
        self.assertEqual(
            [e["result"] for e in self.abuselog(forced)], ["forcecaptcha", ""]
        )

    def test_api_exempt_and_bot_users_are_never_challenged(self):
        for user in ("Exempt", "Botty"):
            client = self.client(user)
            for trigger in ("cg-show-trigger", "cg-force-trigger"):
                title = unique(f"CG api {user} {trigger}")
                self.assert_saved(client, title, trigger, client.edit(title, trigger))
                self.assertEqual(
                    [e["result"] for e in self.abuselog(title)], [""], (user, trigger)
                )

    def test_api_warn_then_captcha_then_save(self):
        client = self.client()
        title = unique("CG api warn")
        text = "cg-warn-trigger"
        warned = client.edit(title, text)
        self.assertEqual(warned["error"]["code"], "abusefilter-warning", warned)
        captcha = self.assert_challenged(client.edit(title, text))
        self.assert_saved(client, title, text, client.edit(title, text, **self.answer(captcha)))
        self.assertEqual(
            [e["result"] for e in self.abuselog(title)], ["warn", "showcaptcha", ""]
        )

    def test_api_wrong_answer_after_warning_is_not_warned_again(self):
        client = self.client()
        title = unique("CG api warn wrong")
        text = "cg-warn-trigger"
        client.edit(title, text)
        captcha = self.assert_challenged(client.edit(title, text))
        again = self.assert_challenged(
            client.edit(title, text, captchaid=captcha["id"], captchaword="nope")
        )
        self.assert_saved(client, title, text, client.edit(title, text, **self.answer(again)))

    def test_uncovered_action_does_nothing_and_is_logged_once(self):
        # A deletion cannot take a CAPTCHA: forcecaptcha on it lets it through.
        deleter = self.client("Admin")
        for _ in range(2):
            title = unique("CG delete")
            deleter.edit(title, "deletable")
            result = deleter.api(post={"title": title, "token": deleter.token()}, action="delete")
            self.assertIn("delete", result, result)
            self.assertEqual([e["result"] for e in self.abuselog(title)], [""])
        with open(os.path.join(self.wiki_dir, "captchaguard.log")) as log:
            warnings = [line for line in log if f"Filter {self.filters['delete']} has forcecaptcha" in line]
        # Once per PHP-FPM worker, and the pool has two.
        self.assertGreaterEqual(len(warnings), 1)
        self.assertLessEqual(len(warnings), 2)

    def test_the_filter_editor_refuses_a_captcha_where_none_can_be_asked(self):
        admin = self.client("Admin")
        description = unique("cg refused")
        rules = 'action == "delete" & page_title rlike "CG refused"'
        refused = submit_filter(admin, description, rules, {"showcaptcha": {}},
                                {"wpFilterNotes": "Typed notes 21"})
        self.assertIn("where no CAPTCHA can be asked: delete.", html.unescape(strip_tags(refused.text)))
        # The editor again, with everything typed in it; nothing saved.
        fields, _ = form_fields(refused.text, None)
        self.assertEqual(fields.get("wpFilterRules", "").strip(), rules)
        self.assertEqual(fields.get("wpFilterDescription"), description)
        self.assertEqual(fields.get("wpFilterNotes", "").strip(), "Typed notes 21")
        self.assertIn("wpFilterActionShowcaptcha", fields, "showcaptcha no longer ticked")
        self.assertIsNone(find_filter(admin, description))
        # The same filter with disallow instead is saved.
        self.assertIsNotNone(create_filter(self.base, description, rules, {"disallow": {}}))

    def test_filter_editor_offers_both_actions_with_help(self):
        form = self.client("Admin").request(
            "/index.php", params={"title": "Special:AbuseFilter/new"}
        ).text
        for name in ("wpFilterActionShowcaptcha", "wpFilterActionForcecaptcha"):
            self.assertRegex(form, r"<input[^>]*type='checkbox'[^>]*name='%s'" % name)
        self.assertIn("even from users with the skipcaptcha right", strip_tags(form))
        self.assertIn("edits, page creations, sign-ups, page moves and uploads only", strip_tags(form))

    def test_only_restricted_filter_editors_may_add_forcecaptcha(self):
        marker = unique("cg-editor")
        with self.assertRaises(AssertionError):
            create_filter(
                self.base, f"{marker} force", f'added_lines rlike "{marker}"',
                {"forcecaptcha": {}}, user="Editor",
            )
        self.assertTrue(create_filter(
            self.base, f"{marker} show", f'added_lines rlike "{marker}"',
            {"showcaptcha": {}}, user="Editor",
        ))

    # --- index.php, the wikitext editor ---------------------------------

    def editor_save(self, client, title, text, **extra):
        fields, _ = form_fields(client.open_editor(title).text)
        self.assertIn("wpEditToken", fields)
        return client.submit_editor(title, fields, wpTextbox1=text, **extra)

    def assert_editor_prompt(self, resp, message=FLAGGED):
        self.assertEqual(resp.status, 200)
        page = resp.text
        self.assertIn(message, strip_tags(page))
        prompt = page.find('id="captchaguard-prompt"')
        textbox = page.find('name="wpTextbox1"')
        self.assertGreater(prompt, 0, "no CAPTCHA prompt in the editor")
        self.assertLess(prompt, textbox, "the CAPTCHA prompt is not above the edit box")
        self.assertEqual(page.count('name="wpCaptchaWord"'), 1, "exactly one CAPTCHA")
        fields, _ = form_fields(page)
        self.assertIn("wpCaptchaId", fields)
        return fields

    def test_editor_anonymous_sees_prompt_above_edit_box_then_saves(self):
        client = self.client()
        title = unique("CG editor anon")
        text = "editor cg-show-trigger"
        resp = self.editor_save(client, title, text)
        fields = self.assert_editor_prompt(resp)
        self.assertNotIn(INCORRECT, strip_tags(resp.text))
        saved = client.submit_editor(title, fields, wpCaptchaWord=CAPTCHA_ANSWER)
        self.assertIn(saved.status, (302, 303), strip_tags(saved.text)[:800])
        self.assertEqual(client.page_text(title), text)

    def test_editor_wrong_answer_says_incorrect_and_asks_again(self):
        client = self.client()
        title = unique("CG editor wrong")
        text = "cg-show-trigger"
        fields = self.assert_editor_prompt(self.editor_save(client, title, text))
        wrong = client.submit_editor(title, fields, wpCaptchaWord="bad")
        fields = self.assert_editor_prompt(wrong, INCORRECT)
        self.assertIsNone(client.page_text(title))
        saved = client.submit_editor(title, fields, wpCaptchaWord=CAPTCHA_ANSWER)
        self.assertIn(saved.status, (302, 303))
        self.assertEqual(client.page_text(title), text)

    def test_editor_warn_then_captcha_then_save(self):
        client = self.client()
        title = unique("CG editor warn")
        text = "cg-warn-trigger"
        warned = self.editor_save(client, title, text)
        self.assertEqual(warned.status, 200)
        self.assertNotIn('id="captchaguard-prompt"', warned.text)
        fields, _ = form_fields(warned.text)
        challenged = client.submit_editor(title, fields)
        fields = self.assert_editor_prompt(challenged)
        saved = client.submit_editor(title, fields, wpCaptchaWord=CAPTCHA_ANSWER)
        self.assertIn(saved.status, (302, 303), strip_tags(saved.text)[:800])
        self.assertEqual(client.page_text(title), text)

    def test_editor_skipcaptcha_user_saves_showcaptcha_edit_directly(self):
        client = self.client("Skipper")
        title = unique("CG editor skipper")
        resp = self.editor_save(client, title, "cg-show-trigger")
        self.assertIn(resp.status, (302, 303), strip_tags(resp.text)[:800])


def load_tests(loader, tests, pattern):
    suite = unittest.TestSuite()
    for name, port, wiki_dir in wikis_from_env("CAPTCHAGUARD_WIKIS", "mw139=8101"):
        for offset, order in enumerate(("ce-af-cg", "cg-af-ce")):
            cls = type(
                f"Test_{name}_{order.replace('-', '_')}",
                (CaptchaActionsBase,),
                {
                    "wiki": name,
                    "wiki_dir": wiki_dir,
                    "base": f"http://127.0.0.1:{port + offset}",
                },
            )
            suite.addTests(loader.loadTestsFromTestCase(cls))
    return suite


if __name__ == "__main__":
    unittest.main()
