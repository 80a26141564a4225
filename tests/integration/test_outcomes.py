"""Issue 24: what became of the CAPTCHAs each filter (and the emergency
switch) asked for, counted on real wikis (MediaWiki 1.39 and 1.43) and read
back through list=captchaguardoutcomes and the filter's page.

Counts are written after the response (a deferred update), so a read right
after an edit polls for a moment. The wikis keep their counts between runs
of this module on one machine, so each test compares before and after.
"""

import datetime
import html
import os
import re
import sqlite3
import time
import unittest

from test_captcha_actions import create_filter
from wikiclient import CAPTCHA_ANSWER, WikiClient, unique, wikis_from_env

WIKIS = wikis_from_env("CAPTCHAGUARD_WIKIS", "mw139=8101,mw143=8111")
FIELDS = ("challenged", "solved", "failed", "abandoned", "open")


def today():
    return datetime.datetime.now(datetime.timezone.utc).date()


def outcomes(client, source, days=30):
    """{(date, action): {field: count}} as the API gives them."""
    rows = client.api(action="query", list="captchaguardoutcomes", cgofilter=source,
                      cgodays=str(days))["query"]["captchaguardoutcomes"]
    return {(r["date"], r["action"]): {f: r[f] for f in FIELDS} for r in rows}


def today_of(client, source, action):
    return outcomes(client, source).get((today().isoformat(), action), dict.fromkeys(FIELDS, 0))


class OutcomesBase(unittest.TestCase):
    wiki = base = folder = None

    @classmethod
    def setUpClass(cls):
        cls.filter = create_filter(cls.base, "cg outcomes", 'added_lines rlike "cg-outcomes-trigger"',
                                   {"showcaptcha": {}})
        cls.signup_filter = create_filter(
            cls.base, "cg outcomes signup", 'action == "createaccount" & accountname rlike "CgOutcome"',
            {"showcaptcha": {}})
        cls.private_filter = create_filter(
            cls.base, "cg outcomes private", 'added_lines rlike "cg-outcomes-private"',
            {"showcaptcha": {}}, fields={"wpFilterHidden": "1"})
        cls.admin = WikiClient(cls.base).login("Admin")

    def wait_for(self, source, action, expected):
        """Polls until today's counts of `source` equal `expected` (written after the response)."""
        deadline = time.time() + 10
        while True:
            seen = today_of(self.admin, source, action)
            if seen == expected or time.time() > deadline:
                self.assertEqual(seen, expected)
                return seen
            time.sleep(0.2)

    def plus(self, before, **deltas):
        return {f: before[f] + deltas.get(f, 0) for f in FIELDS}

    def challenge(self, client, title, text, **answer):
        result = client.edit(title, text, **answer)["edit"]
        self.assertEqual(result.get("result"), "Failure", result)
        return result["captcha"]

    def test_a_challenge_its_wrong_answer_and_its_solution_are_counted_once_each(self):
        before = today_of(self.admin, self.filter, "edit")
        client, title, text = WikiClient(self.base), unique("CG outcome"), "cg-outcomes-trigger spam"
        self.challenge(client, title, text)
        # Sent again without an answer: the same challenge, not a second one.
        first = self.challenge(client, title, text)
        second = self.challenge(client, title, text, captchaid=first["id"], captchaword="wrong")
        saved = client.edit(title, text, captchaid=second["id"], captchaword=CAPTCHA_ANSWER)
        self.assertEqual(saved["edit"]["result"], "Success", saved)
        # Another visitor leaves without answering: open until the CAPTCHA's lifetime is over.
        self.challenge(WikiClient(self.base), unique("CG outcome"), text)
        self.wait_for(self.filter, "edit", self.plus(before, challenged=2, failed=1, solved=1, open=1))

    def test_a_registered_user_is_counted_like_anyone_and_exempt_users_are_not(self):
        before = today_of(self.admin, self.filter, "edit")
        alice = WikiClient(self.base).login("Alice")
        self.challenge(alice, unique("CG outcome alice"), "cg-outcomes-trigger")
        exempt = WikiClient(self.base).login("Exempt")
        title = unique("CG outcome exempt")
        self.assertEqual(exempt.edit(title, "cg-outcomes-trigger")["edit"]["result"], "Success")
        self.wait_for(self.filter, "edit", self.plus(before, challenged=1, open=1))

    def test_a_sign_up_is_solved_only_once_the_account_exists(self):
        before = today_of(self.admin, self.signup_filter, "createaccount")
        client, name = WikiClient(self.base), unique("CgOutcome").replace(" ", "")

        def create(**answer):
            return client.create_account(name, **answer)

        def captcha_id():
            fields = client.sign_up_captcha()
            self.assertIsNotNone(fields, "no CAPTCHA in the sign-up form")
            return fields["captchaId"]["value"]

        self.assertEqual(create()["status"], "FAIL")
        self.assertEqual(create(captchaId=captcha_id(), captchaWord="wrong")["status"], "FAIL")
        self.wait_for(self.signup_filter, "createaccount", self.plus(before, challenged=1, failed=1, open=1))
        self.assertEqual(create(captchaId=captcha_id(), captchaWord=CAPTCHA_ANSWER)["status"], "PASS")
        self.wait_for(self.signup_filter, "createaccount", self.plus(before, challenged=1, failed=1, solved=1))

    def store(self, rows):
        """Rows written straight into the wiki's SQLite table, for days gone by."""
        path = os.path.join(self.folder, "db", "my_wiki.sqlite")
        with sqlite3.connect(path, timeout=30) as db:
            db.executemany(
                "INSERT OR REPLACE INTO captchaguard_outcome (cgo_source, cgo_day, cgo_action, "
                "cgo_challenged, cgo_solved, cgo_failed) VALUES (?, ?, ?, ?, ?, ?)", rows)

    def test_days_gone_by_settle_into_abandoned_and_only_the_days_asked_for_are_given(self):
        source = str(self.filter)
        day = lambda back: (today() - datetime.timedelta(days=back)).strftime("%Y%m%d")  # noqa: E731
        self.store([(source, day(3), "edit", 5, 2, 4), (source, day(3), "createaccount", 1, 1, 0),
                    (source, day(40), "edit", 7, 0, 0)])
        seen = outcomes(self.admin, source)
        iso = (today() - datetime.timedelta(days=3)).isoformat()
        self.assertEqual(seen[(iso, "edit")],
                         {"challenged": 5, "solved": 2, "failed": 4, "abandoned": 3, "open": 0})
        self.assertEqual(seen[(iso, "createaccount")]["abandoned"], 0)
        self.assertNotIn((today() - datetime.timedelta(days=40)).isoformat(), [d for d, _ in seen])
        self.assertIn((today() - datetime.timedelta(days=40)).isoformat(),
                      [d for d, _ in outcomes(self.admin, source, days=41)])
        # Newest first, as one row per day and action.
        rows = self.admin.api(action="query", list="captchaguardoutcomes", cgofilter=source,
                              cgodays="90")["query"]["captchaguardoutcomes"]
        self.assertEqual([r["date"] for r in rows], sorted((r["date"] for r in rows), reverse=True))
        self.assertEqual(set(rows[0]), {"date", "action", *FIELDS})

    def api_error(self, client, **params):
        return client.api(action="query", list="captchaguardoutcomes", **params).get("error", {}).get("code")

    def test_a_private_filters_outcomes_are_for_those_who_may_see_it(self):
        anonymous = WikiClient(self.base)
        self.assertEqual(self.api_error(anonymous, cgofilter=self.private_filter), "nosuchfilter")
        editor = WikiClient(self.base).login("Editor")
        self.assertIsNone(self.api_error(editor, cgofilter=self.private_filter))
        # A filter that does not exist answers the same as one that may not be seen.
        self.assertEqual(self.api_error(anonymous, cgofilter="99999"), "nosuchfilter")
        self.assertEqual(self.api_error(anonymous, cgofilter="1; DROP"), "nosuchfilter")
        self.assertIsNone(self.api_error(anonymous, cgofilter="emergency"))
        self.assertIsNotNone(self.api_error(anonymous, cgofilter=self.filter, cgodays="91"))
        # Nor do its page or the filter list (which names it) show its figures to them.
        yesterday = (today() - datetime.timedelta(days=1)).strftime("%Y%m%d")
        self.store([(str(self.private_filter), yesterday, "edit", 4, 1, 0)])
        self.assertEqual(self.list_cell(anonymous, self.private_filter), "")
        self.assertEqual(self.list_cell(editor, self.private_filter), "25%")
        page = anonymous.request("/index.php", params={"title": f"Special:AbuseFilter/{self.private_filter}"}).text
        self.assertNotIn("captchaguard-outcomes", page)
        page = editor.request("/index.php", params={"title": f"Special:AbuseFilter/{self.private_filter}"}).text
        self.assertIn('class="captchaguard-outcomes-summary">Solve rate: 25%.', page)
        # Every spelling AbuseFilter reads as this filter, and the same decision for each.
        for spelling in (f"0{self.private_filter}", f"{self.private_filter}.0"):
            page = editor.request("/index.php", params={"title": f"Special:AbuseFilter/{spelling}"}).text
            self.assertIn('class="captchaguard-outcomes-summary">Solve rate: 25%.', page, spelling)
            page = anonymous.request("/index.php", params={"title": f"Special:AbuseFilter/{spelling}"}).text
            self.assertNotIn("captchaguard-outcomes", page, spelling)

    def list_cell(self, client, filter_id):
        """The solve-rate cell of a filter's row in Special:AbuseFilter's list."""
        listing = client.request("/index.php", params={"title": "Special:AbuseFilter"}).text
        row = re.search(r'<tr\b(?:(?!</tr>).)*?AbuseFilter/' + str(filter_id) + r'"(?:(?!</tr>).)*</tr>',
                        listing, re.S)
        self.assertIsNotNone(row, f"filter {filter_id} is not listed")
        cell = re.search(r'<td class="captchaguard-solverate">([^<]*)</td></tr>$', row.group(0))
        self.assertIsNotNone(cell, "no solve-rate cell at the end of the row")
        return cell.group(1)

    def test_the_filter_page_shows_the_figures_as_a_chart_and_as_text(self):
        source = str(self.filter)
        yesterday = (today() - datetime.timedelta(days=1)).strftime("%Y%m%d")
        self.store([(source, yesterday, "edit", 4, 3, 2)])
        page = self.admin.request("/index.php", params={"title": f"Special:AbuseFilter/{source}"}).text
        box = re.search(r'<div class="captchaguard-outcomes">.*?</details></div>', page, re.S)
        self.assertIsNotNone(box, "no outcomes box on the filter's page")
        box = box.group(0)
        self.assertIn("CAPTCHA outcomes, last 30 days", box)
        self.assertRegex(box, r'<svg [^>]*role="img"')
        summary = re.search(r'class="captchaguard-outcomes-summary">([^<]*)<', box).group(1)
        self.assertRegex(html.unescape(summary), r"^Solve rate: \d+%\. \d+ CAPTCHAs asked for")
        self.assertIn(f"<desc id=\"captchaguard-chart-desc\">{summary}</desc>", box)
        self.assertIn("<td>" + (today() - datetime.timedelta(days=1)).isoformat() + "</td><td>edit</td>"
                      "<td>4</td><td>3</td><td>2</td><td>1</td><td>0</td>", box)
        listing = self.admin.request("/index.php", params={"title": "Special:AbuseFilter"}).text
        self.assertIn('<th class="captchaguard-solverate"', listing)
        self.assertRegex(self.list_cell(self.admin, source), r"^\d+%$")

    def test_the_emergency_switchs_captchas_are_counted_and_shown_on_its_page(self):
        before = today_of(self.admin, "emergency", "edit")
        switch = self.admin.api(post={"token": self.admin.token(), "state": "on", "actions": "edit",
                                      "expiry": "1 hour", "reason": "outcome test"}, action="emergencycaptcha")
        self.assertTrue(switch["emergencycaptcha"]["active"], switch)
        try:
            # Every worker picks the switch up within its refresh interval.
            time.sleep(6)
            client, title = WikiClient(self.base), unique("CG outcome emergency")
            first = self.challenge(client, title, "plain")
            second = self.challenge(client, title, "plain", captchaid=first["id"], captchaword="wrong")
            saved = client.edit(title, "plain", captchaid=second["id"], captchaword=CAPTCHA_ANSWER)
            self.assertEqual(saved["edit"]["result"], "Success", saved)
        finally:
            self.admin.api(post={"token": self.admin.token(), "state": "off", "reason": "over"},
                           action="emergencycaptcha")
            # Until every worker has seen it off, edits of the suites after this one would be asked.
            time.sleep(6)
        self.wait_for("emergency", "edit", self.plus(before, challenged=1, failed=1, solved=1))
        page = WikiClient(self.base).request("/index.php", params={"title": "Special:EmergencyCaptcha"}).text
        self.assertIn('class="captchaguard-outcomes-summary">Solve rate:', page)


class CheckUserLevelOutcomes(unittest.TestCase):
    """MediaWiki 1.43: a CheckUser-level filter's outcomes are for those who may see the filter."""

    (_, PORT, _), = wikis_from_env("CAPTCHAGUARD_SENSITIVE_WIKI", "mw143=8111")
    base = f"http://127.0.0.1:{PORT}"

    def test_only_checkusers_see_a_checkuser_level_filters_outcomes(self):
        filter_id = create_filter(
            self.base, "cg outcomes sensitive", 'user_ip == "192.0.2.1" & added_lines rlike "cg-outcomes-cu"',
            {"showcaptcha": {}}, user="Checker", fields={"wpFilterProtected": "1"})
        for user in ("Editor", "Sysop2"):
            refused = WikiClient(self.base).login(user).api(
                action="query", list="captchaguardoutcomes", cgofilter=filter_id)
            self.assertEqual(refused.get("error", {}).get("code"), "nosuchfilter", (user, refused))
        seen = WikiClient(self.base).login("Checker").api(
            action="query", list="captchaguardoutcomes", cgofilter=filter_id)
        self.assertNotIn("error", seen)
        self.assertIsInstance(seen["query"]["captchaguardoutcomes"], list)


for _name, _port, _folder in WIKIS:
    globals()[f"Outcomes_{_name}"] = type(f"Outcomes_{_name}", (OutcomesBase,),
                                          {"wiki": _name, "base": f"http://127.0.0.1:{_port}", "folder": _folder})
del OutcomesBase
