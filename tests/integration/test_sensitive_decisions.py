"""CheckUser-level filters decided where AbuseFilter decides (issue 19).

Each reproducer of the issue as its own test, as a plain sysop (Sysop2, who
holds AbuseFilter's abusefilter-access-protected-vars) and a filter editor
(Editor, who holds it too), against MediaWiki 1.43 on SQLite and on the
MariaDB farm (CAPTCHAGUARD_DECISIONS_WIKIS, where `afl_id = '1x'` matches 1).
Canary strings sit in the sensitive filter's rules and notes and in the user
agent of its hit; they must reach only the checkuser (Checker).
"""

import html
import re
import time
import unittest

from test_captcha_actions import create_filter
from test_sensitive import PROTECTED, edit_as, filter_form_save
from wikiclient import WikiClient, strip_tags, unique, wikis_from_env

UNPRIVILEGED = ("Sysop2", "Editor")
ID_SPELLINGS = ("{}x", "+{}", "0{}", " {}")


class SensitiveDecisionsTest(unittest.TestCase):
    base = None

    @classmethod
    def setUpClass(cls):
        cls.canary = unique("canaryrules").replace(" ", "")
        cls.notes_canary = unique("canarynotes").replace(" ", "")
        cls.agent = unique("CanaryAgent").replace(" ", "/")
        cls.checker = WikiClient(cls.base).login("Checker")
        cls.checker.api(post={"token": cls.checker.token(),
                              "change": "abusefilter-protected-vars-view-agreement=1"},
                        action="options")
        # The description is public (AbuseFilter shows it with every hit); the rest is not.
        cls.description = unique("cg decisions sensitive")
        cls.rules = f'user_agent irlike "{cls.canary}|{cls.agent.lower()}"'
        cls.sensitive = create_filter(
            cls.base, cls.description, cls.rules, {}, user="Checker",
            fields={**PROTECTED, "wpFilterNotes": cls.notes_canary})
        cls.public = create_filter(cls.base, unique("cg decisions public"),
                                   'page_title rlike "^CG decisions public"', {})
        cls.hit_title = unique("CG decisions hit")
        edit_as(cls.base, "Alice", cls.hit_title, "text", cls.agent)
        cls.users = {name: WikiClient(cls.base).login(name) for name in UNPRIVILEGED}

    def assert_no_canary(self, text, where):
        lowered = html.unescape(text).lower()
        for canary in (self.canary, self.notes_canary, self.agent):
            self.assertNotIn(canary.lower(), lowered, where)

    def history_ids(self, filter_id):
        page = self.checker.request(
            "/index.php", params={"title": f"Special:AbuseFilter/history/{filter_id}"})
        ids = re.findall(rf"history/{filter_id}/item/(\d+)", html.unescape(page.text))
        self.assertTrue(ids, f"no history items of filter {filter_id}")
        return ids

    def hit_id(self):
        log = self.checker.api(action="query", list="abuselog", aflfilter=self.sensitive,
                               aflprop="ids|title", afllimit="max")["query"]["abuselog"]
        found = [e["id"] for e in log if e["title"] == self.hit_title]
        self.assertEqual(len(found), 1, log)
        return found[0]

    def page(self, client, title, data=None):
        resp = client.request("/index.php", params={"title": title}, data=data)
        # A checkuser's look is refused (503) when it cannot be logged, as while
        # SQLite is busy with another request's write: that is not what these
        # tests are about, so they look again.
        for _ in range(3):
            if resp.status != 503:
                break
            time.sleep(1.5)
            resp = client.request("/index.php", params={"title": title}, data=data)
        return resp

    # 1. A diff loads any history id.
    def test_a_diff_through_a_public_filter_shows_no_sensitive_version(self):
        sensitive_hid = self.history_ids(self.sensitive)[0]
        public_hid = self.history_ids(self.public)[0]
        for name, client in self.users.items():
            with self.subTest(user=name):
                resp = self.page(client, f"Special:AbuseFilter/history/{self.public}/diff/"
                                         f"{sensitive_hid}/{public_hid}")
                self.assert_no_canary(resp.text, "diff")

    # 2. The test tool loads a filter's rules.
    def test_the_test_tool_does_not_load_sensitive_rules(self):
        for name, client in self.users.items():
            for spelling in ("{}",) + ID_SPELLINGS:
                sub = spelling.format(self.sensitive)
                with self.subTest(user=name, page=f"test/{sub}"):
                    self.assert_no_canary(self.page(client, f"Special:AbuseFilter/test/{sub}").text,
                                          sub)

    # 3. AbuseFilter reads 1x as 1; a restored history item is a save.
    def test_history_items_under_any_spelling_show_nothing_and_save_nothing(self):
        hid = self.history_ids(self.sensitive)[0]
        for name, client in self.users.items():
            for spelling in ID_SPELLINGS:
                sub = spelling.format(self.sensitive)
                title = f"Special:AbuseFilter/history/{sub}/item/{hid}"
                with self.subTest(user=name, page=title):
                    self.assert_no_canary(self.page(client, title).text, title)
                    token = client.token()
                    client.request("/index.php", params={"title": title}, data={
                        "wpEditToken": token, "wpFilterDescription": "neutered",
                        "wpFilterRules": "false", "wpFilterNotes": "", "wpFilterEnabled": "1",
                        "wpFilterProtected": "1"})
        stored = {f["id"]: f for f in self.checker.api(
            action="query", list="abusefilters", abfprop="id|pattern",
            abflimit="max")["query"]["abusefilters"]}
        self.assertEqual(stored[self.sensitive]["pattern"], self.rules)

    def test_the_filter_page_under_any_spelling_shows_nothing(self):
        for name, client in self.users.items():
            for spelling in ("{}",) + ID_SPELLINGS:
                title = "Special:AbuseFilter/" + spelling.format(self.sensitive)
                with self.subTest(user=name, page=title):
                    self.assert_no_canary(self.page(client, title).text, title)

    # 4. list=abusefilters without ids.
    def test_list_abusefilters_without_ids_returns_no_sensitive_pattern(self):
        for name, client in self.users.items():
            for prop in ("pattern", "id|pattern", "pattern|description|actions|private|protected"):
                with self.subTest(user=name, prop=prop):
                    answer = client.api(action="query", list="abusefilters", abfprop=prop,
                                        abflimit="max")
                    self.assert_no_canary(str(answer), prop)

    # 5 and 7. list=abuselog without ids: no details, and no listing of the hit at all.
    def test_list_abuselog_lists_no_sensitive_hit(self):
        for name, client in self.users.items():
            for prop in ("details|timestamp", "ids|filter|title|details", "title|user|action"):
                with self.subTest(user=name, prop=prop):
                    answer = client.api(action="query", list="abuselog", aflprop=prop,
                                        afllimit="max")
                    self.assert_no_canary(str(answer), prop)
                    titles = [e.get("title") for e in answer["query"]["abuselog"]]
                    self.assertNotIn(self.hit_title, titles)
        listed = self.checker.api(action="query", list="abuselog", aflprop="title",
                                  afllimit="max")["query"]["abuselog"]
        self.assertIn(self.hit_title, [e["title"] for e in listed])

    # 7. Special:AbuseLog lists no sensitive hit below CheckUser level.
    def listed_titles(self, resp):
        """The pages of the hits Special:AbuseLog lists (not the search form's fields)."""
        listing = re.search(r'<ul class="plainlinks">(.*?)</ul>', resp.text, re.S)
        return html.unescape(listing.group(1)) if listing else ""

    def test_special_abuselog_lists_no_sensitive_hit(self):
        for name, client in self.users.items():
            for params in ({}, {"wpSearchFilter": str(self.sensitive)},
                           {"wpSearchFilter": f"{self.sensitive}x"}, {"wpSearchTitle": self.hit_title},
                           {"wpSearchUser": "Alice"}):
                with self.subTest(user=name, params=params):
                    resp = client.request("/index.php", params={"title": "Special:AbuseLog", **params})
                    # Searching a sensitive filter by name may meet the gate (403) or AbuseFilter's notice.
                    self.assertIn(resp.status, (200, 403) if "wpSearchFilter" in params else (200,))
                    self.assertNotIn(self.hit_title, self.listed_titles(resp))
                    self.assert_no_canary(resp.text, str(params))
        # The public filter's hits are still listed, and what was typed stays in the form.
        public_title = unique("CG decisions public")
        edit_as(self.base, "Alice", public_title, "text", "Mozilla/5.0")
        typed = self.users["Sysop2"].request("/index.php", params={
            "title": "Special:AbuseLog", "wpSearchUser": "Alice"})
        self.assertIn(public_title, self.listed_titles(typed))
        self.assertRegex(typed.text, r"name=['\"]wpSearchUser['\"][^>]*value=['\"]Alice['\"]")
        # The narrowing is not put in the viewer's search field.
        self.assertRegex(typed.text, r"name=['\"]wpSearchFilter['\"][^>]*value=['\"]['\"]")
        # Not logged in, AbuseFilter has no filter search to narrow the list with: none is shown.
        anonymous = WikiClient(self.base).request("/index.php", params={"title": "Special:AbuseLog"})
        self.assertEqual(self.listed_titles(anonymous), "")
        self.assertNotIn(self.hit_title, html.unescape(anonymous.text))
        self.assertIn("listed only to users who may see hit details", strip_tags(anonymous.text))
        listed = self.page(self.checker, "Special:AbuseLog")
        self.assertIn(self.hit_title, self.listed_titles(listed))

    # 6. The private details of a hit under any spelling.
    def test_private_details_under_any_spelling_are_refused(self):
        hit = self.hit_id()
        for name, client in self.users.items():
            for spelling in ("{}",) + ID_SPELLINGS:
                title = "Special:AbuseLog/private/" + spelling.format(hit)
                with self.subTest(user=name, page=title):
                    resp = self.page(client, title, data={
                        "wpReason": "checking", "wpEditToken": client.token()})
                    # The hit's IP address (the page's own URL has the wiki's).
                    self.assertIsNone(re.search(r"127\.0\.0\.1(?!:\d)", strip_tags(resp.text)),
                                      title)
                    self.assert_no_canary(resp.text, title)
            for spelling in ("{}",) + ID_SPELLINGS:
                title = "Special:AbuseLog/" + spelling.format(hit)
                with self.subTest(user=name, page=title):
                    self.assert_no_canary(self.page(client, title).text, title)

    # The people it serves.
    def test_a_refused_save_keeps_the_form_and_names_the_missing_right(self):
        client = self.users["Sysop2"]
        description = unique("cg decisions refused")
        typed = 'user_agent irlike "typed-by-sysop"'
        form = self.page(client, "Special:AbuseFilter/new")
        # Below CheckUser level the form has no "protected" box to tick.
        self.assertNotIn('name="wpFilterProtected"', form.text)
        tag = re.search(r'<input[^>]*name="wpEditToken"[^>]*>', form.text).group(0)
        token = html.unescape(re.search(r'value="([^"]*)"', tag).group(1))
        resp = self.page(client, "Special:AbuseFilter/new", data={
            "wpEditToken": token, "wpFilterDescription": description, "wpFilterRules": typed,
            "wpFilterNotes": "my notes", "wpFilterEnabled": "1"})
        self.assertEqual(resp.status, 200)
        body = html.unescape(resp.text)
        self.assertIn(typed, body)
        self.assertIn(description, body)
        self.assertIn("my notes", body)
        self.assertIn('name="wpFilterRules"', resp.text)
        text = strip_tags(resp.text)
        self.assertIn("captchaguard-sensitive-filters", text)
        self.assertNotIn("abusefilter-access-protected-vars", text)

    def test_check_syntax_gives_the_real_reason(self):
        for name, client in self.users.items():
            with self.subTest(user=name):
                answer = client.api(post={}, action="abusefilterchecksyntax",
                                    filter='page_title == "x" & user_agent irlike "y"')
                result = answer["abusefilterchecksyntax"]
                self.assertEqual(result["status"], "error", answer)
                self.assertIn("captchaguard-sensitive-filters", result["message"])
                self.assertEqual(result["character"], len('page_title == "x" & '))
        ok = self.checker.api(post={}, action="abusefilterchecksyntax",
                              filter='user_agent irlike "y"')
        self.assertEqual(ok["abusefilterchecksyntax"]["status"], "ok")

    def test_a_checkuser_without_abusefilters_right_is_told_that_one(self):
        client = WikiClient(self.base).login("Checkonly")
        resp = self.page(client, f"Special:AbuseFilter/{self.sensitive}")
        text = strip_tags(resp.text)
        self.assert_no_canary(resp.text, "checkuser without AbuseFilter's right")
        self.assertIn("abusefilter-access-protected-vars", text)
        self.assertNotIn("captchaguard-sensitive-filters", text)
        answer = client.api(post={}, action="abuselogprivatedetails", logid=self.hit_id(),
                            reason="x", token=client.token())
        self.assertIn("abusefilter-access-protected-vars", answer["error"]["info"])
        self.assertNotIn("captchaguard-sensitive-filters", answer["error"]["info"])

    def checker_log(self):
        events = self.checker.api(action="query", list="logevents", letype="captchaguard-sensitive",
                                  leprop="title|type|user|details", lelimit="max")
        return [(e["action"], e["title"], e["params"].get("via"), e["params"].get("tested"))
                for e in events["query"]["logevents"] if e["user"] == "Checker"]

    def test_every_look_by_a_checkuser_is_logged_with_the_page_or_module_used(self):
        target = f"Special:AbuseFilter/{self.sensitive}"
        hid = self.history_ids(self.sensitive)[0]
        item = f"Special:AbuseFilter/history/{self.sensitive}x/item/{hid}"
        self.assertIn(self.canary, html.unescape(self.page(self.checker, item).text))
        listed = self.checker.api(action="query", list="abuselog", aflprop="details|timestamp",
                                  afllimit="max")
        self.assertIn(self.agent, str(listed))
        patterns = self.checker.api(action="query", list="abusefilters", abfprop="pattern",
                                    abflimit="max")
        self.assertIn(self.rules, str(patterns))
        tested = f'user_agent irlike "{unique("tested").replace(" ", "")}"'
        self.page(self.checker, "Special:AbuseFilter/test", data={
            "wpFilterRules": tested, "wpEditToken": self.checker.token()})
        evaluated = 'user_ip == "127.0.0.1"'
        self.checker.api(post={}, action="abusefilterevalexpression", expression=evaluated)
        log = self.checker_log()
        self.assertIn(("view-filter", target, item, ""), log)
        self.assertIn(("view-hits", target, "api.php?action=query&list=abuselog", ""), log)
        self.assertIn(("view-filter", target, "api.php?action=query&list=abusefilters", ""), log)
        self.assertIn(("test", "Special:AbuseFilter/test", "Special:AbuseFilter/test", tested), log)
        self.assertIn(("test", "Special:AbuseFilter/tools", "api.php?action=abusefilterevalexpression",
                       evaluated), log)
        self.assertIn(("view-hits", "Special:AbuseLog", "Special:AbuseLog", ""),
                      self.checker_log() if self.page(self.checker, "Special:AbuseLog") else [])

    def test_the_checkuser_still_sees_and_uses_the_filter(self):
        page = self.page(self.checker, f"Special:AbuseFilter/{self.sensitive}")
        self.assertIn(self.canary, html.unescape(page.text))
        self.assertIn(self.notes_canary, html.unescape(page.text))
        details = self.page(self.checker, f"Special:AbuseLog/{self.hit_id()}")
        self.assertIn(self.agent, html.unescape(details.text))
        resp = filter_form_save(self.checker, self.sensitive, {
            "wpFilterDescription": self.description, "wpFilterRules": self.rules,
            "wpFilterNotes": self.notes_canary, "wpFilterProtected": "1"})
        self.assertIn(resp.status, (302, 303), strip_tags(resp.text)[:400])


def load_tests(loader, tests, pattern):
    suite = unittest.TestSuite()
    for name, port, wiki_dir in wikis_from_env("CAPTCHAGUARD_DECISIONS_WIKIS",
                                               "mw143=8111,farm1=8141"):
        case = type(f"SensitiveDecisionsTest_{name}", (SensitiveDecisionsTest,), {
            "base": f"http://127.0.0.1:{port}", "wiki_dir": wiki_dir})
        suite.addTests(loader.loadTestsFromTestCase(case))
    return suite


if __name__ == "__main__":
    unittest.main()
