"""What a flagged person sees in each editor of MediaWiki 1.43, in headless
Chromium: the wikitext editor, VisualEditor, DiscussionTools' reply and
new-topic tools and the mobile skin (MinervaNeue); and the API answers those
editors get, which carry no warnings once the CAPTCHA is answered.

CAPTCHAGUARD_EDITORS_WIKI names the wiki: "name=port", MediaWiki 1.43 with
VisualEditor, Linter, DiscussionTools and MinervaNeue loaded.
"""

import os
import tempfile
import time
import unittest
import urllib.parse

from selenium.webdriver.common.by import By
from selenium.common.exceptions import StaleElementReferenceException

from browser import Browser
from test_captcha_actions import FLAGGED, filters_for
from wikiclient import CAPTCHA_ANSWER, WikiClient, png_image, unique, wikis_from_env

NAME, PORT, _ = next(wikis_from_env("CAPTCHAGUARD_EDITORS_WIKI", "editors=8105"))
BASE = f"http://127.0.0.1:{PORT}"
WRONG = "Incorrect or missing CAPTCHA"
QUESTION = "Type the word guard"
AF_WARNING = "automatically identified as harmful"
# The line under every CAPTCHA for people who cannot solve one, and where it links by default.
HELP = "Cannot solve CAPTCHAs?"
HELP_LINK = "Special:ListUsers/sysop"
ERROR_BOX = ".mw-message-box-error, .errorbox, .cdx-message--error"

VE_DIALOG = ".ve-ui-mwSaveDialog"
VE_CAPTCHA = VE_DIALOG + " .mw-confirmEdit-captchaInputWidget"
VE_SAVE = VE_DIALOG + " .oo-ui-processDialog-actions-primary a"
DT_WIDGET = ".ext-discussiontools-ui-replyWidget"
DT_CAPTCHA = ".ext-discussiontools-ui-replyWidget-captcha"
DT_SAVE = ".ext-discussiontools-ui-replyWidget-actions .oo-ui-flaggedElement-primary a"


def setUpModule():
    filters_for(NAME, BASE)


def path_of(title, **query):
    return "/index.php?" + urllib.parse.urlencode({"title": title, **query})


class EditorTest(unittest.TestCase):
    def setUp(self):
        self.browser = Browser(BASE, self.id().split(".")[-1])
        self.api = WikiClient(BASE)

    def tearDown(self):
        self.browser.quit()

    def assert_saved(self, title, text):
        content = self.api.page_text(title)
        self.assertIsNotNone(content, f"{title} was not saved")
        self.assertIn(text, content)

    def assert_not_saved(self, title, text):
        self.assertNotIn(text, self.api.page_text(title) or "")

    def assert_help_under(self, captcha_css, answer_css):
        """The line for people who cannot solve CAPTCHAs, below the CAPTCHA's
        answer field, linking to the help page."""
        b = self.browser
        help_line = b.wait_for(captcha_css + " .captchaguard-help")
        self.assertIn(HELP, help_line.text)
        link = help_line.find_element(By.TAG_NAME, "a")
        self.assertIn(HELP_LINK, urllib.parse.unquote(link.get_attribute("href")))
        answer = b.wait_for(answer_css)
        self.assertGreater(help_line.location["y"], answer.location["y"], "the help line is not under the CAPTCHA")

    def assert_on_wiki(self):
        """Where a save leads stays on the wiki's own address, port included."""
        self.assertTrue(
            self.browser.driver.current_url.startswith(BASE + "/"),
            self.browser.driver.current_url,
        )


class WikitextEditorTest(EditorTest):
    def edit(self, title, text, skin=None):
        b = self.browser
        query = {"action": "edit"}
        if skin:
            query["useskin"] = skin
        b.open(path_of(title, **query))
        b.dismiss_welcome()
        b.type_into("#wpTextbox1", text)
        b.shot("typed")
        b.click("#wpSave")

    def answer_and_save(self, title, text, skin=None):
        b = self.browser
        prompt = b.wait_for("#captchaguard-prompt")
        box = b.wait_for("#wpTextbox1")
        self.assertLess(prompt.location["y"], box.location["y"], "CAPTCHA not above the edit box")
        # As MediaWiki's own CAPTCHA in this editor (captcha-edit-fail): an error box.
        self.assertIn(FLAGGED, b.text(ERROR_BOX))
        self.assertIn(QUESTION, prompt.text)
        self.assert_help_under(".captchaguard-prompt", "#wpCaptchaWord")
        self.assertIn(text, box.get_attribute("value"), "the edit was lost")
        if skin:
            self.assertIn(f"skin-{skin}", self.body_class(), "the CAPTCHA page left the skin")
        self.assert_not_saved(title, text)
        b.shot("captcha")
        b.type_into("#wpCaptchaWord", CAPTCHA_ANSWER)
        b.click("#wpSave")
        b.wait_until(lambda: text in b.text("#mw-content-text") and not b.visible("#wpTextbox1"),
                     "the saved page")
        b.shot("saved")
        self.assert_saved(title, text)
        self.assert_on_wiki()

    def test_desktop_editor_asks_then_saves(self):
        title, text = unique("Cg wikitext"), "Plain editor cg-show-trigger"
        self.edit(title, text)
        self.answer_and_save(title, text)

    def test_mobile_skin_shows_captcha_above_the_edit_box(self):
        # useskin lasts one page; the preference keeps the skin on the CAPTCHA page.
        alice = WikiClient(BASE).login("Alice")
        alice.api(post={"change": "skin=minerva", "token": alice.token()}, action="options")
        self.browser.login("Alice")
        title, text = unique("Cg minerva"), "Mobile skin cg-show-trigger"
        self.edit(title, text, skin="minerva")
        # answer_and_save checks the skin once the CAPTCHA page has replaced the form.
        self.answer_and_save(title, text, skin="minerva")

    def test_an_anonymous_reader_on_a_phone_stays_in_the_mobile_skin(self):
        # useskin=minerva lasts one page; the edit form carries it to the CAPTCHA page.
        self.browser.driver.set_window_size(390, 844)
        title, text = unique("Cg phone"), "Phone cg-show-trigger"
        self.edit(title, text, skin="minerva")
        self.answer_and_save(title, text, skin="minerva")

    def body_class(self):
        """The body's classes, read again while the page is being replaced."""
        def read():
            try:
                return self.browser.driver.find_element(By.TAG_NAME, "body").get_attribute("class")
            except StaleElementReferenceException:
                return None
        return self.browser.wait_until(read, "a page to read the skin of")


class FilterOutcomesPageTest(EditorTest):
    """Issue 24: after people were asked in the editor, the filter editor sees
    on the filter's page what became of its CAPTCHAs: the solve rate, a chart
    and the figures as text."""

    edit = WikitextEditorTest.edit
    answer_and_save = WikitextEditorTest.answer_and_save

    def solved_today(self, filter_id):
        rows = self.api.api(action="query", list="captchaguardoutcomes", cgofilter=filter_id,
                            cgodays="1")["query"]["captchaguardoutcomes"]
        return sum(r["solved"] for r in rows)

    def test_the_filter_page_shows_the_outcomes_chart(self):
        filter_id = filters_for(NAME, BASE)["show"]
        before = self.solved_today(filter_id)
        title, text = unique("Cg outcomes"), "Outcome chart cg-show-trigger"
        self.edit(title, text)
        self.answer_and_save(title, text)
        self.browser.wait_until(lambda: self.solved_today(filter_id) > before, "the solve counted")
        b = self.browser
        b.login("Editor")
        b.open(path_of(f"Special:AbuseFilter/{filter_id}"))
        chart = b.wait_for(".captchaguard-outcomes svg.captchaguard-outcome-chart")
        b.driver.execute_script("arguments[0].scrollIntoView()", chart)
        self.assertEqual(chart.get_attribute("role"), "img")
        self.assertGreater(chart.size["width"], 300)
        self.assertGreater(len(b.visible(".captchaguard-outcomes svg rect.captchaguard-chart-solved")), 0)
        summary = b.text(".captchaguard-outcomes-summary")
        self.assertRegex(summary, r"^Solve rate: \d+%\. \d+ CAPTCHAs? asked for: \d+ solved")
        b.click(".captchaguard-outcomes-figures summary")
        b.wait_for(".captchaguard-outcomes-figures table")
        self.assertIn("edit", b.text(".captchaguard-outcomes-figures table"))
        b.shot("filter-page-outcomes")
        b.open(path_of("Special:AbuseFilter"))
        b.wait_for("th.captchaguard-solverate")
        b.shot("filter-list-solve-rate")


class FilterEditorTest(EditorTest):
    """Issue 21, items 3 and 6: the filter editor says what CaptchaGuard's
    actions do, forcecaptcha is greyed out for filter editors who may not add
    it, and a CAPTCHA filter limited to actions that cannot take one is refused."""

    FORCE = "input[name='wpFilterActionForcecaptcha']"
    SHOW_LABEL = "#mw-abusefilter-action-checkbox-showcaptcha"

    def open_new_filter(self, user):
        b = self.browser
        b.login(user)
        b.open(path_of("Special:AbuseFilter/new"))
        # OOUI draws its own box over the (transparent) checkbox.
        force = b.wait_for(self.FORCE, visible=False)
        b.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", force)
        return force

    def show_label(self):
        label_id = self.browser.wait_for(self.SHOW_LABEL + " input", visible=False).get_attribute("id")
        return self.browser.text(f"label[for='{label_id}']")

    def test_a_filter_editor_without_the_right_cannot_tick_forcecaptcha(self):
        force = self.open_new_filter("Editor")
        self.assertFalse(force.is_enabled(), "forcecaptcha can be ticked without abusefilter-modify-restricted")
        self.assertIn("users with the skipcaptcha right, bots and CAPTCHA-exempt users are not asked",
                      self.show_label())
        self.browser.shot("forcecaptcha-greyed-out")

    def test_a_filter_editor_with_the_right_can(self):
        force = self.open_new_filter("Sysop2")
        self.assertTrue(force.is_enabled())
        self.browser.shot("forcecaptcha-enabled")

    def test_a_captcha_filter_limited_to_deletions_is_refused_with_everything_kept(self):
        """Issue 21, item 3."""
        b = self.browser
        self.open_new_filter("Sysop2")
        description = unique("cg browser refused")
        rules = 'action == "delete" & page_title rlike "CG browser refused"'
        b.type_into("#mw-abusefilter-editing-form input[name=wpFilterDescription]", description)
        b.type_into("#wpFilterRules", rules)
        show = b.wait_for("input[name='wpFilterActionShowcaptcha']", visible=False)
        b.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click()", show)
        b.shot("typed")
        save = b.wait_for("#mw-abusefilter-editing-form input[type=submit]")
        b.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", save)
        save.click()
        b.wait_until(lambda: "where no CAPTCHA can be asked: delete" in b.text(ERROR_BOX), "the refusal")
        # Everything typed is still in the form, and nothing was saved.
        self.assertEqual(b.wait_for("#wpFilterRules", visible=False).get_attribute("value").strip(), rules)
        self.assertEqual(b.wait_for("#mw-abusefilter-editing-form input[name=wpFilterDescription]")
                         .get_attribute("value"), description)
        self.assertTrue(b.wait_for("input[name='wpFilterActionShowcaptcha']", visible=False).is_selected())
        b.driver.execute_script("window.scrollTo(0, 0)")
        b.shot("refused")
        listing = self.api.api(action="query", list="abusefilters", abfprop="description", abflimit="max")
        self.assertNotIn(description, [f["description"] for f in listing["query"]["abusefilters"]])


class VisualEditorTest(EditorTest):
    def open_editor(self, title):
        b = self.browser
        b.open(path_of(title, veaction="edit"))
        b.wait_for(".ve-ce-documentNode[contenteditable=true]", visible=False)
        b.dismiss_welcome()
        # Page notices ("this page does not exist yet") open in a popup: close it.
        close = ".ve-ui-mwNoticesPopupTool-items"
        try:
            b.wait_for(close, seconds=5)
            b.shot("notices")
            b.click(".oo-ui-popupTool-popup .oo-ui-icon-close")
            b.wait_until(lambda: not b.visible(close), "notices closed")
        except AssertionError:
            pass
        b.type_into(".ve-ce-documentNode", "")

    def type_and_open_save_dialog(self, text):
        b = self.browser
        b.type_into(".ve-ce-documentNode", text)
        b.click(".ve-ui-toolbar-saveButton")
        b.wait_for(VE_DIALOG)
        b.shot("save-dialog")

    def save(self):
        self.browser.click(VE_SAVE)

    def wait_for_captcha(self, reason):
        b = self.browser
        b.wait_until(lambda: reason in b.text(VE_CAPTCHA), f"a CAPTCHA with {reason!r}")
        widget = b.text(VE_CAPTCHA)
        self.assertIn(QUESTION, widget)
        # As MediaWiki's own CAPTCHA in VisualEditor: in the save dialog's warning.
        self.assertTrue(b.visible(".ve-ui-mwSaveDialog-message.oo-ui-flaggedElement-warning "
                                  ".mw-confirmEdit-captchaInputWidget"))
        self.assert_help_under(VE_CAPTCHA, VE_CAPTCHA + " input")
        field = b.wait_for(VE_CAPTCHA + " input")
        self.assertEqual(field.get_attribute("value"), "", "not a fresh CAPTCHA input")
        return field

    def wait_for_saved_page(self, title, text):
        b = self.browser
        b.wait_until(
            lambda: not b.visible(VE_DIALOG) and text in b.text("#mw-content-text")
            and not b.visible(".ve-ce-documentNode"),
            "the saved page",
        )
        b.shot("saved")
        self.assert_saved(title, text)
        self.assert_on_wiki()

    def test_wrong_answer_asks_again_right_answer_saves(self):
        title, text = unique("Cg ve"), "Visual cg-show-trigger"
        self.open_editor(title)
        self.type_and_open_save_dialog(text)
        self.save()
        field = self.wait_for_captcha(FLAGGED)
        self.browser.shot("captcha")
        field.send_keys("not the answer")
        self.save()
        field = self.wait_for_captcha(WRONG)
        self.browser.shot("asked-again")
        self.assert_not_saved(title, text)
        field.send_keys(CAPTCHA_ANSWER)
        self.save()
        self.wait_for_saved_page(title, text)

    def test_forcecaptcha_asks_a_skipcaptcha_user(self):
        self.browser.login("Skipper")
        title, text = unique("Cg ve force"), "Visual cg-force-trigger"
        self.open_editor(title)
        self.type_and_open_save_dialog(text)
        self.save()
        field = self.wait_for_captcha(FLAGGED)
        self.browser.shot("captcha")
        field.send_keys(CAPTCHA_ANSWER)
        self.save()
        self.wait_for_saved_page(title, text)

    def test_showcaptcha_leaves_a_skipcaptcha_user_alone(self):
        self.browser.login("Skipper")
        title, text = unique("Cg ve skip"), "Visual cg-show-trigger"
        self.open_editor(title)
        self.type_and_open_save_dialog(text)
        self.save()
        self.wait_for_saved_page(title, text)

    def test_warning_then_captcha_then_saved(self):
        b = self.browser
        title, text = unique("Cg ve warn"), "Visual cg-warn-trigger"
        self.open_editor(title)
        self.type_and_open_save_dialog(text)
        self.save()
        b.wait_until(lambda: AF_WARNING in b.text(VE_DIALOG), "the filter's warning")
        self.assertFalse(b.visible(VE_CAPTCHA), "CAPTCHA before the warning was seen")
        b.shot("warning")
        b.click_text("Dismiss")
        self.save()
        field = self.wait_for_captcha(FLAGGED)
        b.shot("captcha")
        field.send_keys(CAPTCHA_ANSWER)
        self.save()
        self.wait_for_saved_page(title, text)


class EmergencyVisualEditorTest(VisualEditorTest):
    """The emergency switch's CAPTCHA is ConfirmEdit's own: in VisualEditor it
    has the line for people who cannot solve CAPTCHAs under it too."""

    def switch(self, **params):
        admin = WikiClient(BASE).login("Admin")
        answer = admin.api(post={"token": admin.token(), **params}, action="emergencycaptcha")
        self.assertIn("emergencycaptcha", answer, answer)
        # Test wikis refresh the switch every 2 s.
        time.sleep(3)

    def test_the_switchs_captcha_has_the_help_line(self):
        self.switch(state="on", actions="edit|create", expiry="1 hour", reason="browser test")
        try:
            title, text = unique("Cg ve emergency"), "Visual emergency edit"
            self.open_editor(title)
            self.type_and_open_save_dialog(text)
            self.save()
            # No filter matched: ConfirmEdit's own CAPTCHA, with the line under it.
            field = self.wait_for_captcha(QUESTION)
            self.assertNotIn(FLAGGED, self.browser.text(VE_CAPTCHA))
            self.browser.shot("captcha")
            field.send_keys(CAPTCHA_ANSWER)
            self.save()
            self.wait_for_saved_page(title, text)
        finally:
            self.switch(state="off", reason="browser test over")

    # The filter tests of the class it borrows its steps from run once, there.
    test_wrong_answer_asks_again_right_answer_saves = None
    test_forcecaptcha_asks_a_skipcaptcha_user = None
    test_showcaptcha_leaves_a_skipcaptcha_user_alone = None
    test_warning_then_captcha_then_saved = None


class EmergencyPageTest(EditorTest):
    """Issue 23, item 5: Special:EmergencyCaptcha for a person in a hurry."""

    STATE_LABELS = {"on": "On", "off": "Off"}
    EXPIRY = "#mw-input-wpexpiry input"
    REASON = "#mw-input-wpreason input"
    SUBMIT = "#mw-content-text .mw-htmlform-submit button, #mw-content-text .mw-htmlform-submit input"
    # HTMLForm's errors above the form, each an error message (role=alert).
    FORM_ERRORS = ".mw-htmlform-ooui-header-errors [role=alert]"

    def choose(self, state):
        # As a person does: a click on the radio button's label.
        label = self.browser.driver.find_element(
            By.XPATH, f"//*[@id='mw-content-text']//label[normalize-space()='{self.STATE_LABELS[state]}']")
        self.browser.click_element(label, f"the {state} label")

    def fill(self, css, text):
        field = self.browser.wait_for(css)
        field.clear()
        if text:
            field.send_keys(text)

    def submit(self):
        button = self.browser.wait_for(self.SUBMIT)
        self.browser.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        button.click()

    def test_one_sentence_every_error_at_once_and_the_form_stays(self):
        b = self.browser
        b.login("Admin")
        try:
            b.open(path_of("Special:EmergencyCaptcha"))
            self.assertIn("Emergency CAPTCHAs ask everyone for a CAPTCHA", b.text("#captchaguard-emergency-intro"))
            self.assertEqual(b.visible("#mw-input-wpwikis"), [], "no wikis field on a single wiki")
            b.shot("page")
            # Off needs only a reason: the actions and the expiry go away.
            self.choose("off")
            b.wait_until(lambda: b.visible("#mw-input-wpexpiry") == [], "the expiry hidden")
            b.shot("off-chosen")
            self.choose("on")
            b.wait_for(self.EXPIRY)
            self.fill(self.EXPIRY, "99999999999 years")
            self.fill(self.REASON, "")
            self.submit()
            b.wait_until(lambda: "A reason is required." in b.text(self.FORM_ERRORS), "the errors")
            self.assertEqual(
                [e.text for e in b.visible(self.FORM_ERRORS)],
                ["A reason is required.", "The expiry is too far away: it can be at most 7 days from now."])
            self.assertEqual(b.wait_for(self.EXPIRY).get_attribute("value"), "99999999999 years")
            b.shot("every-error-at-once")
            self.fill(self.EXPIRY, "1 hour")
            self.fill(self.REASON, "browser test of the page")
            self.submit()
            b.wait_until(lambda: "Emergency CAPTCHAs are on" in b.text("#captchaguard-emergency-state"), "on")
            # The form stays: switching off is one step away.
            self.assertTrue(b.visible(self.REASON), "the form after switching on")
            b.shot("switched-on-form-stays")
            self.choose("off")
            self.fill(self.REASON, "browser test over")
            self.submit()
            b.wait_until(lambda: "Emergency CAPTCHAs are off" in b.text("#captchaguard-emergency-state"), "off")
            b.shot("switched-off")
        finally:
            admin = WikiClient(BASE).login("Admin")
            admin.api(post={"token": admin.token(), "state": "off", "reason": "browser test cleanup"},
                      action="emergencycaptcha")
            # Every worker holds "off" again before the next test (the test wikis refresh every 2 s).
            time.sleep(3)


class DiscussionToolsTest(EditorTest):
    def start_talk_page(self):
        title = unique("Talk:Cg dt")
        admin = WikiClient(BASE).login("Admin")
        admin.edit(title, "== First topic ==\nHello there. ~~~~\n")
        return title

    def send(self):
        b = self.browser
        # The button stays disabled until the tool has taken in what was typed.
        b.wait_until(
            lambda: any("oo-ui-widget-disabled" not in e.find_element("xpath", "..").get_attribute("class")
                        for e in b.visible(DT_SAVE)),
            "the save button enabled",
        )
        b.click(DT_SAVE)

    def answer_in_widget(self, title, text):
        b = self.browser
        b.wait_until(lambda: FLAGGED in b.text(DT_CAPTCHA), "a CAPTCHA with the filter's reason")
        self.assertIn(QUESTION, b.text(DT_CAPTCHA))
        # As MediaWiki's own CAPTCHA in DiscussionTools: a notice.
        self.assertTrue(b.visible(DT_CAPTCHA + ".oo-ui-flaggedElement-notice"))
        self.assert_help_under(DT_CAPTCHA, DT_CAPTCHA + " input")
        self.assert_not_saved(title, text)
        b.shot("captcha")
        field = b.wait_for(DT_CAPTCHA + " input")
        field.send_keys("not the answer")
        self.send()
        b.wait_until(lambda: WRONG in b.text(DT_CAPTCHA), "a fresh CAPTCHA after a wrong answer")
        b.shot("asked-again")
        self.assert_not_saved(title, text)
        field = b.wait_for(DT_CAPTCHA + " input")
        self.assertEqual(field.get_attribute("value"), "")
        field.send_keys(CAPTCHA_ANSWER)
        self.send()
        b.wait_until(
            lambda: not b.visible(DT_WIDGET) and text in b.text("#mw-content-text"),
            "the saved comment",
        )
        b.shot("saved")
        self.assert_saved(title, text)
        self.assert_on_wiki()

    def test_reply_tool(self):
        b = self.browser
        title, text = self.start_talk_page(), "My reply cg-show-trigger"
        b.open(path_of(title))
        b.click(".ext-discussiontools-init-replybutton")
        b.type_into(DT_WIDGET + " [contenteditable=true]", text)
        b.shot("typed")
        self.send()
        self.answer_in_widget(title, text)

    def test_new_topic_tool(self):
        b = self.browser
        title, text = self.start_talk_page(), "My new topic cg-show-trigger"
        b.open(path_of(title))
        b.click_text("Add topic")
        b.type_into(".ext-discussiontools-ui-newTopic-sectionTitle input", "A new topic")
        b.type_into(DT_WIDGET + " [contenteditable=true]", text)
        b.shot("typed")
        self.send()
        self.answer_in_widget(title, text)
        self.assertIn("A new topic", self.api.page_text(title))


class SignUpFormTest(EditorTest):
    CAPTCHA_FIELD = "input[name=captchaWord], input[name=wpcaptchaWord]"
    CAPTCHA_ID = "input[name=captchaId], input[name=wpcaptchaId]"

    def fill_in(self, name):
        b = self.browser
        b.open(path_of("Special:CreateAccount"))
        b.type_into("#wpName2", name)
        b.type_into("#wpPassword2", "Guard-Signup-2026")
        b.type_into("#wpRetype", "Guard-Signup-2026")

    def submit(self):
        self.browser.click("#wpCreateaccount")

    def assert_created(self, name):
        b = self.browser
        b.wait_until(
            lambda: b.driver.execute_script("return mw.config.get('wgUserName')") == name,
            f"signed in as {name}",
        )
        b.shot("created")
        self.assert_on_wiki()
        data = self.api.api(action="query", list="users", ususers=name)
        self.assertNotIn("missing", data["query"]["users"][0])

    def test_a_matched_sign_up_is_asked_for_a_captcha(self):
        b = self.browser
        name = unique("CgSignup").replace(" ", "")
        self.fill_in(name)
        self.assertFalse(b.visible(self.CAPTCHA_FIELD), "asked before any filter matched")
        b.shot("form")
        self.submit()
        b.wait_until(lambda: "flagged this account creation" in b.text(".mw-message-box-error, .errorbox, .cdx-message--error"),
                     "the filter's message")
        self.assertIn(QUESTION, b.text("#userloginForm"))
        self.assert_help_under("#userloginForm", self.CAPTCHA_FIELD)
        b.shot("captcha")
        for answer in ("not the answer", CAPTCHA_ANSWER):
            captcha_id = b.wait_for(self.CAPTCHA_ID, visible=False).get_attribute("value")
            # The form keeps the name; the passwords are typed again, as browsers leave them empty.
            b.type_into("#wpPassword2", "Guard-Signup-2026")
            b.type_into("#wpRetype", "Guard-Signup-2026")
            b.wait_for(self.CAPTCHA_FIELD).clear()
            b.type_into(self.CAPTCHA_FIELD, answer)
            self.submit()
            if answer != CAPTCHA_ANSWER:
                b.wait_until(
                    lambda: b.driver.find_elements("css selector", self.CAPTCHA_ID)
                    and b.driver.find_element("css selector", self.CAPTCHA_ID)
                    .get_attribute("value") not in ("", captcha_id),
                    "a fresh CAPTCHA",
                )
                # It says the answer was wrong, and the wrong word is not left in the field.
                self.assertIn("The answer to the CAPTCHA was wrong", b.text("#userloginForm"))
                self.assertIn("flagged this account creation", b.text("#userloginForm"))
                self.assertEqual(b.wait_for(self.CAPTCHA_FIELD).get_attribute("value"), "")
                b.shot("asked-again")
                data = self.api.api(action="query", list="users", ususers=name)
                self.assertIn("missing", data["query"]["users"][0])
        self.assert_created(name)

    def test_a_sign_up_no_filter_matches_is_not_asked(self):
        name = unique("CgPlain").replace(" ", "")
        self.fill_in(name)
        self.assertFalse(self.browser.visible(self.CAPTCHA_FIELD))
        self.submit()
        self.assert_created(name)


class RefusedFormTest(EditorTest):
    """A special page a filter's CAPTCHA refused, whose form gets the CAPTCHA."""

    FORM = None
    SUBMIT = None
    ERROR = ".mw-message-box-error, .errorbox, .cdx-message--error"

    def field(self, kind, name):
        return f"#{self.FORM} {kind}[name={name}]"

    def submit(self):
        self.browser.click(f"{self.field('input', self.SUBMIT)}, {self.field('button', self.SUBMIT)}")

    def answer_wrong_then_right(self, assert_not_done):
        b = self.browser
        answer_field = self.field("input", "wpCaptchaWord")
        id_field = self.field("input", "wpCaptchaId")
        captcha_id = b.wait_for(id_field, visible=False).get_attribute("value")
        b.type_into(answer_field, "not the answer")
        self.submit()
        b.wait_until(
            lambda: b.driver.find_elements("css selector", id_field)
            and b.driver.find_element("css selector", id_field).get_attribute("value") not in ("", captcha_id),
            "a fresh CAPTCHA",
        )
        # It says the answer was wrong, and the wrong word is not left in the field.
        self.assertIn("The answer to the CAPTCHA was wrong", b.text(self.ERROR))
        self.assertEqual(b.wait_for(answer_field).get_attribute("value"), "")
        assert_not_done()
        b.shot("asked-again")
        b.type_into(answer_field, CAPTCHA_ANSWER)
        self.submit()


class MovePageTest(RefusedFormTest):
    """Issue 21, item 1: Special:MovePage, as a person moving a page sees it."""

    FORM = "movepage"
    SUBMIT = "wpMove"

    def test_a_matched_move_is_asked_for_a_captcha_in_the_form(self):
        b = self.browser
        new_title, reason = self.field("input", "wpNewTitleMain"), self.field("input", "wpReason")
        source, target = unique("CG browser move"), unique("CgMoveTrigger")
        self.assertEqual(WikiClient(BASE).login("Alice").edit(source, "movable")["edit"]["result"], "Success")
        b.login("Alice")
        b.open(path_of("Special:MovePage/" + source))
        self.assertFalse(b.visible(self.field("input", "wpCaptchaWord")), "asked before any filter matched")
        b.wait_for(new_title).clear()
        b.type_into(new_title, target)
        b.type_into(reason, "Typed by a person")
        b.shot("form")
        self.submit()
        b.wait_until(lambda: "flagged this page move" in b.text(self.ERROR), "the filter's message")
        self.assertIn(QUESTION, b.text("#movepage"))
        self.assert_help_under("#movepage", self.field("input", "wpCaptchaWord"))
        # What was typed is kept.
        self.assertEqual(b.wait_for(new_title).get_attribute("value"), target)
        self.assertEqual(b.wait_for(reason).get_attribute("value"), "Typed by a person")
        b.shot("captcha")
        self.answer_wrong_then_right(lambda: self.assertIsNone(self.api.page_text(target)))
        b.wait_until(lambda: "Move succeeded" in b.text("#firstHeading"), "the move's success page")
        b.shot("moved")
        self.assert_on_wiki()
        self.assertEqual(self.api.page_text(target), "movable")


class UploadPageTest(RefusedFormTest):
    """Issue 21, item 2: Special:Upload, as a person uploading a file sees it."""

    FORM = "mw-upload-form"
    SUBMIT = "wpUpload"

    def file_exists(self, name):
        info = self.api.api(action="query", titles="File:" + name, prop="imageinfo")
        return "missing" not in info["query"]["pages"][0]

    def test_a_matched_upload_is_asked_for_a_captcha_and_keeps_the_file(self):
        b = self.browser
        chooser, description = self.field("input", "wpUploadFile"), self.field("textarea", "wpUploadDescription")
        name = unique("CG browser upload").replace(" ", "_") + ".png"
        path = os.path.join(tempfile.mkdtemp(), name)
        with open(path, "wb") as image:
            image.write(png_image())
        b.login("Alice")
        b.open(path_of("Special:Upload"))
        self.assertFalse(b.visible(self.field("input", "wpCaptchaWord")), "asked before any filter matched")
        b.wait_for(chooser).send_keys(path)
        b.wait_until(lambda: b.wait_for(self.field("input", "wpDestFile")).get_attribute("value") != "",
                     "the file name filled in")
        b.type_into(description, "cg-upload-trigger typed by a person")
        b.shot("form")
        self.submit()
        b.wait_until(lambda: "flagged this upload" in b.text(self.ERROR), "the filter's message")
        self.assertIn(QUESTION, b.text("#mw-upload-form"))
        self.assert_help_under("#mw-upload-form", self.field("input", "wpCaptchaWord"))
        # The file waits in the stash (no file to choose again); the description is kept.
        self.assertFalse(b.visible(chooser))
        self.assertIn("cg-upload-trigger typed by a person", b.wait_for(description).get_attribute("value"))
        b.shot("captcha")
        self.answer_wrong_then_right(lambda: self.assertFalse(self.file_exists(name)))
        b.wait_until(lambda: name.replace("_", " ") in b.text("#firstHeading"), "the file's page")
        b.shot("uploaded")
        self.assert_on_wiki()
        self.assertTrue(self.file_exists(name))


class EditorApiTest(unittest.TestCase):
    """The APIs behind the editors: asked, refused, saved, and no warnings."""

    def answer_until_saved(self, module, post, captcha_fields):
        client = WikiClient(BASE)
        first = client.api(post={**post, "token": client.token()}, action=module)
        captcha = first[module].get("edit", {}).get("captcha") or first[module].get("captcha")
        self.assertIsNotNone(captcha, first)
        self.assertEqual(captcha["captchaguard"]["code"], "captchaguard-flagged")
        self.assertIn(FLAGGED, captcha["captchaguard"]["html"])
        id_field, word_field = captcha_fields
        answered = client.api(
            post={**post, "token": client.token(), id_field: captcha["id"],
                  word_field: CAPTCHA_ANSWER},
            action=module,
        )
        self.assertNotIn("warnings", answered)
        self.assertNotIn("errors", answered)
        return answered

    def test_edit_api(self):
        title = unique("Cg api")
        saved = self.answer_until_saved(
            "edit", {"title": title, "text": "cg-show-trigger"}, ("captchaid", "captchaword")
        )
        self.assertEqual(saved["edit"]["result"], "Success")

    def test_visualeditoredit_with_the_fields_visualeditor_sends(self):
        title = unique("Cg api ve")
        saved = self.answer_until_saved(
            "visualeditoredit",
            {"paction": "save", "page": title, "wikitext": "cg-show-trigger"},
            ("wpCaptchaId", "wpCaptchaWord"),
        )
        self.assertEqual(saved["visualeditoredit"]["result"], "success")

    def test_discussiontoolsedit_new_topic(self):
        title = unique("Talk:Cg api dt")
        saved = self.answer_until_saved(
            "discussiontoolsedit",
            {"paction": "addtopic", "page": title, "sectiontitle": "Topic",
             "wikitext": "cg-show-trigger"},
            ("captchaid", "captchaword"),
        )
        self.assertEqual(saved["discussiontoolsedit"]["result"], "success")


if __name__ == "__main__":
    unittest.main()
