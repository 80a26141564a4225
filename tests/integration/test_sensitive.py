"""CheckUser-level filters (issue 9) against real wikis under PHP-FPM.

MediaWiki 1.43 (CAPTCHAGUARD_SENSITIVE_WIKI, SQLite): the variables user_agent
and user_ip, who may see filters that use them and their hits (UI and API),
the access log, the tag refusal and the 90-day purge started by page views.
hcaptcha_risk_bucket on the hCaptcha wiki (CAPTCHAGUARD_SENSITIVE_HCAPTCHA_WIKI,
fake siteverify). MediaWiki 1.39 (CAPTCHAGUARD_SENSITIVE_OLD_WIKI): not offered.
"""

import contextlib
import html
import os
import re
import sqlite3
import time
import unittest

import fake_siteverify
from test_captcha_actions import create_filter
from test_risk_score import SITEVERIFY_PORT, fresh
from wikiclient import WikiClient, strip_tags, unique, wikis_from_env

PROTECTED = {"wpFilterProtected": "1"}
DENIED = "captchaguard-sensitive-denied"
WITHOUT_RIGHT = ("Sysop2", "Editor")


def only(variable, default):
    return next(wikis_from_env(variable, default))


def settle():
    """Lets the wiki finish an edit's post-send updates and jobs. SQLite has one
    writer at a time, and a checkuser's look writes the access log: a look that
    cannot be logged is refused (fail closed), which is right, but not what
    these tests are about."""
    time.sleep(1.5)


def edit_as(base, user, title, text, agent):
    client = WikiClient(base)
    client.headers["User-Agent"] = agent
    if user:
        client.login(user)
    result = client.edit(title, text)
    settle()
    return result


def filter_form_save(client, filter_id, fields):
    """Saves Special:AbuseFilter/<id> as the editor form does; returns the response."""
    form = client.request("/index.php", params={"title": f"Special:AbuseFilter/{filter_id}"})
    tag = re.search(r'<input[^>]*name="wpEditToken"[^>]*>', form.text)
    assert tag, f"no edit form on Special:AbuseFilter/{filter_id}: {form.status}"
    token = html.unescape(re.search(r'value="([^"]*)"', tag.group(0)).group(1))
    data = {"wpEditToken": token, "wpFilterNotes": "", "wpFilterEnabled": "1", **fields}
    return client.request(
        "/index.php", params={"title": f"Special:AbuseFilter/{filter_id}"}, data=data
    )


class SensitiveFiltersTest(unittest.TestCase):
    base = None
    wiki_dir = None

    @classmethod
    def setUpClass(cls):
        cls.checker = WikiClient(cls.base).login("Checker")
        # AbuseFilter 1.43 shows protected values only after this agreement.
        cls.checker.api(
            post={"token": cls.checker.token(),
                  "change": "abusefilter-protected-vars-view-agreement=1"},
            action="options",
        )
        cls.agent = unique("EvilBot").replace(" ", "/")
        cls.ua_filter = create_filter(
            cls.base, "cg sensitive ua", 'user_agent irlike "evilbot"', {},
            user="Checker", fields=PROTECTED,
        )
        cls.ip_filter = create_filter(
            cls.base, "cg sensitive ip",
            'user_ip == "127.0.0.1" & page_title rlike "^CG sensitive ip"', {},
            user="Checker", fields=PROTECTED,
        )
        cls.public_filter = create_filter(
            cls.base, "cg public", 'page_title rlike "^CG sensitive ua"', {},
        )
        cls.hit_title = unique("CG sensitive ua")
        cls.clean_title = unique("CG sensitive ua clean")
        edit_as(cls.base, "Alice", cls.hit_title, "text", cls.agent)
        edit_as(cls.base, "Alice", cls.clean_title, "text", "Mozilla/5.0 Firefox/140.0")

    @contextlib.contextmanager
    def db(self):
        """The wiki's SQLite database, read and written as an operator would;
        the connection is closed afterwards so it holds no lock or snapshot."""
        db = sqlite3.connect(os.path.join(self.wiki_dir, "db", "my_wiki.sqlite"), timeout=30)
        try:
            with db:
                yield db
        finally:
            db.close()

    def hits(self, client, filter_id, prop="ids|filter|title|details"):
        log = client.api(action="query", list="abuselog", aflfilter=filter_id,
                         aflprop=prop, afllimit="max")
        return log["query"]["abuselog"]

    def entry_for(self, filter_id, title):
        found = [e for e in self.hits(self.checker, filter_id) if e["title"] == title]
        self.assertEqual(len(found), 1, found)
        return found[0]

    def access_log(self):
        events = self.checker.api(action="query", list="logevents",
                                  letype="captchaguard-sensitive", lelimit="max")
        return [(e["action"], e["title"], e["user"]) for e in events["query"]["logevents"]]

    # The variables

    def test_user_agent_filter_hits_only_that_agent(self):
        entry = self.entry_for(self.ua_filter, self.hit_title)
        self.assertEqual(entry["details"]["user_agent"], self.agent)
        clean = [e for e in self.hits(self.checker, self.ua_filter)
                 if e["title"] == self.clean_title]
        self.assertEqual(clean, [])

    def test_user_ip_is_the_request_ip_of_a_registered_user(self):
        title = unique("CG sensitive ip")
        edit_as(self.base, "Alice", title, "text", "Mozilla/5.0")
        entry = self.entry_for(self.ip_filter, title)
        self.assertEqual(entry["details"]["user_ip"], "127.0.0.1")
        self.assertEqual(entry["details"]["user_name"], "Alice")

    def test_an_ipv6_address_is_the_value(self):
        title = unique("CG sensitive v6")
        v6 = create_filter(
            self.base, "cg sensitive v6", 'user_ip == "::1" & page_title rlike "^CG sensitive v6"', {},
            user="Checker", fields=PROTECTED,
        )
        # The same wiki, reached over IPv6 (its nginx listens on [::1] too).
        over_v6 = self.base.replace("127.0.0.1", "[::1]")
        edit_as(over_v6, "Alice", title, "text", "Mozilla/5.0")
        self.assertEqual(self.entry_for(v6, title)["details"]["user_ip"], "::1")
        over_v4 = unique("CG sensitive v6")
        edit_as(self.base, "Alice", over_v4, "text", "Mozilla/5.0")
        self.assertNotIn(over_v4, [e["title"] for e in self.hits(self.checker, v6)])

    def test_a_missing_user_agent_is_empty_and_breaks_nothing(self):
        title = unique("CG sensitive noua")
        noua = create_filter(
            self.base, "cg sensitive no agent",
            'user_agent == "" & page_title rlike "^CG sensitive noua"', {},
            user="Checker", fields=PROTECTED,
        )
        client = WikiClient(self.base).login("Alice")
        client.headers["User-Agent"] = ""
        self.assertEqual(client.edit(title, "text")["edit"]["result"], "Success")
        settle()
        self.assertEqual(self.entry_for(noua, title)["details"]["user_agent"], "")

    def test_values_never_reach_abusefilters_var_dump(self):
        entry = self.entry_for(self.ua_filter, self.hit_title)
        with self.db() as db:
            (dump,) = db.execute("select afl_var_dump from abuse_filter_log where afl_id = ?",
                                 (entry["id"],)).fetchone()
            text_id = int(dump.decode().split(":")[1]) if isinstance(dump, bytes) else int(dump.split(":")[1])
            (blob,) = db.execute("select old_text from text where old_id = ?", (text_id,)).fetchone()
            kept = db.execute("select csv_values from captchaguard_sensitive_value "
                              "where csv_var_dump = ?", (dump,)).fetchall()
        blob = blob.decode() if isinstance(blob, bytes) else blob
        self.assertIn('"user_name":"Alice"', blob)
        self.assertNotIn(self.agent, blob)
        self.assertNotIn("user_agent", blob)
        self.assertEqual(len(kept), 1)
        self.assertIn(self.agent, kept[0][0].decode() if isinstance(kept[0][0], bytes) else kept[0][0])

    # Who sees what

    def test_without_the_right_no_page_shows_the_filter_or_its_hits(self):
        entry = self.entry_for(self.ua_filter, self.hit_title)
        pages = [
            f"Special:AbuseFilter/{self.ua_filter}",
            f"Special:AbuseFilter/history/{self.ua_filter}/item/1",
            f"Special:AbuseFilter/examine/log/{entry['id']}",
            f"Special:AbuseLog/{entry['id']}",
            f"Special:AbuseLog/private/{entry['id']}",
        ]
        for user in WITHOUT_RIGHT:
            client = WikiClient(self.base).login(user)
            for page in pages:
                with self.subTest(user=user, page=page):
                    resp = client.request("/index.php", params={"title": page})
                    self.assertEqual(resp.status, 403)
                    self.assertIn("CheckUser-level", strip_tags(resp.text))
                    self.assertNotIn("evilbot", resp.text.lower())
            with self.subTest(user=user, page="AbuseLog details"):
                resp = client.request("/index.php", params={"title": "Special:AbuseLog",
                                                             "details": entry["id"]})
                self.assertEqual(resp.status, 403)
            with self.subTest(user=user, page="search in filter text"):
                resp = client.request("/index.php", params={
                    "title": "Special:AbuseFilter", "querypattern": "evilbot",
                    "searchoption": "LIKE", "rulescope": "all"})
                self.assertEqual(resp.status, 403)
            with self.subTest(user=user, page="test with the rules"):
                resp = client.request("/index.php", params={"title": "Special:AbuseFilter/test"},
                                      data={"wpFilterRules": 'user_agent irlike "evilbot"'})
                self.assertEqual(resp.status, 403)
            # A public filter stays open to them (the gate is not a blanket refusal).
            resp = client.request("/index.php",
                                  params={"title": f"Special:AbuseFilter/{self.public_filter}"})
            self.assertEqual(resp.status, 200)

    def test_without_the_right_the_api_hides_text_values_and_refuses_tests(self):
        entry = self.entry_for(self.ua_filter, self.hit_title)
        for user in WITHOUT_RIGHT:
            client = WikiClient(self.base).login(user)
            with self.subTest(user=user, module="list=abusefilters"):
                listing = {f["id"]: f for f in client.api(
                    action="query", list="abusefilters", abfprop="id|pattern",
                    abflimit="max")["query"]["abusefilters"]}
                self.assertNotIn("pattern", listing[self.ua_filter])
                self.assertIn("pattern", listing[self.public_filter])
            with self.subTest(user=user, module="list=abuselog"):
                entries = client.api(action="query", list="abuselog", aflprop="ids|filter|title|details",
                                     afllimit="max")["query"]["abuselog"]
                # Sensitive hits are not listed at all (issue 19), public ones with their details.
                self.assertEqual([e for e in entries if e.get("filter") == "cg sensitive ua"], [])
                self.assertNotIn(self.agent, str(entries))
                public = [e for e in entries if str(e.get("filter_id")) == str(self.public_filter)]
                self.assertTrue(public and all("details" in e for e in public))
            for module, params in (
                ("abusefilterevalexpression", {"expression": "user_agent"}),
                ("abusefiltercheckmatch", {"filter": 'user_agent irlike "evilbot"',
                                           "vars": '{"user_agent": "x"}'}),
                ("abusefiltercheckmatch", {"filter": 'user_name == "x"', "logid": entry["id"]}),
                ("abuselogprivatedetails", {"logid": entry["id"], "reason": "test",
                                            "token": client.token()}),
            ):
                with self.subTest(user=user, module=module):
                    answer = client.api(post={}, action=module, **params)
                    self.assertEqual(answer["error"]["code"], DENIED, answer)
            answer = client.api(post={}, action="abusefilterchecksyntax", filter='user_name == "x"')
            self.assertEqual(answer["abusefilterchecksyntax"]["status"], "ok")
            # Check syntax answers with the reason rules with the variables cannot be saved.
            answer = client.api(post={}, action="abusefilterchecksyntax",
                                filter='user_agent irlike "evilbot"')
            self.assertEqual(answer["abusefilterchecksyntax"]["status"], "error")

    def test_the_checkuser_sees_everything_and_each_look_is_logged(self):
        entry = self.entry_for(self.ua_filter, self.hit_title)
        page = self.checker.request("/index.php",
                                    params={"title": f"Special:AbuseFilter/{self.ua_filter}"})
        self.assertEqual(page.status, 200)
        self.assertIn('user_agent irlike "evilbot"', html.unescape(page.text))
        details = self.checker.request("/index.php",
                                       params={"title": f"Special:AbuseLog/{entry['id']}"})
        self.assertEqual(details.status, 200)
        self.assertIn(self.agent, html.unescape(details.text))
        syntax = self.checker.api(post={}, action="abusefilterchecksyntax",
                                  filter='user_agent irlike "evilbot"')
        self.assertEqual(syntax["abusefilterchecksyntax"]["status"], "ok")
        evaluated = self.checker.api(post={}, action="abusefilterevalexpression",
                                     expression="user_agent")
        self.assertIn("abusefilterevalexpression", evaluated)
        log = self.access_log()
        self.assertIn(("view-filter", f"Special:AbuseFilter/{self.ua_filter}", "Checker"), log)
        self.assertIn(("view-hits", f"Special:AbuseLog/{entry['id']}", "Checker"), log)
        self.assertIn("test", [action for action, _, user in log if user == "Checker"])
        # The same look again in this session is not logged twice.
        before = len(self.access_log())
        self.checker.request("/index.php", params={"title": f"Special:AbuseFilter/{self.ua_filter}"})
        self.assertEqual(len(self.access_log()), before)
        # AbuseFilter logs the value itself being seen.
        values = self.checker.api(action="query", list="logevents",
                                  letype="abusefilter-protected-vars", lelimit="max")
        self.assertIn("view-protected-var-value",
                      [e["action"] for e in values["query"]["logevents"]])
        # The access log is the checkusers' own.
        sysop = WikiClient(self.base).login("Sysop2")
        hidden = sysop.api(action="query", list="logevents", letype="captchaguard-sensitive")
        self.assertEqual(hidden["query"]["logevents"], [])

    def test_dropping_the_variable_does_not_make_a_filter_public(self):
        dropped = create_filter(self.base, "cg sensitive dropped", 'user_agent irlike "dropme"',
                                {}, user="Checker", fields=PROTECTED)
        resp = filter_form_save(self.checker, dropped, {
            "wpFilterDescription": "cg sensitive dropped", "wpFilterRules": 'user_name == "x"',
            "wpFilterProtected": "1"})
        self.assertIn(resp.status, (302, 303), strip_tags(resp.text)[:500])
        sysop = WikiClient(self.base).login("Sysop2")
        self.assertEqual(sysop.request(
            "/index.php", params={"title": f"Special:AbuseFilter/{dropped}"}).status, 403)
        listing = {f["id"]: f for f in sysop.api(action="query", list="abusefilters",
                                                 abfprop="id|pattern", abflimit="max")
                   ["query"]["abusefilters"]}
        self.assertNotIn("pattern", listing[dropped])

    def test_a_sensitive_filter_cannot_tag(self):
        resp = filter_form_save(self.checker, self.ua_filter, {
            "wpFilterDescription": "cg sensitive ua", "wpFilterRules": 'user_agent irlike "evilbot"',
            "wpFilterProtected": "1", "wpFilterActionTag": "1", "wpFilterTags": "cg-sensitive"})
        self.assertEqual(resp.status, 200)
        self.assertIn("cannot tag edits", strip_tags(resp.text))
        # The form keeps what was typed.
        self.assertIn('user_agent irlike "evilbot"', html.unescape(resp.text))
        with self.db() as db:
            actions = db.execute("select afa_consequence from abuse_filter_action "
                                 "where afa_filter = ?", (self.ua_filter,)).fetchall()
        self.assertNotIn(("tag",), actions)

    # The 90-day purge

    def test_aged_hits_disappear_through_ordinary_requests(self):
        aged_agent = unique("AgedBot EvilBot").replace(" ", "-")
        young_agent = unique("YoungBot EvilBot").replace(" ", "-")
        aged_title, young_title = unique("CG sensitive aged"), unique("CG sensitive young")
        edit_as(self.base, "Alice", aged_title, "text", aged_agent)
        edit_as(self.base, "Alice", young_title, "text", young_agent)
        aged = self.entry_for(self.ua_filter, aged_title)["id"]
        young = self.entry_for(self.ua_filter, young_title)["id"]
        with self.db() as db:
            (dump,) = db.execute("select afl_var_dump from abuse_filter_log where afl_id = ?",
                                 (aged,)).fetchone()
            # 91 days ago, for every hit of that edit.
            old = time.strftime("%Y%m%d%H%M%S", time.gmtime(time.time() - 91 * 86400))
            db.execute("update abuse_filter_log set afl_timestamp = ? where afl_var_dump = ?",
                       (old, dump))
            db.execute("update captchaguard_sensitive_value set csv_timestamp = ? "
                       "where csv_var_dump = ?", (old, dump))
        dump = dump.decode() if isinstance(dump, bytes) else dump
        db_file = os.path.join(self.wiki_dir, "db", "my_wiki.sqlite")
        deadline = time.time() + 60
        while time.time() < deadline:
            # An ordinary page view (not a redirect: that renders no page).
            view = WikiClient(self.base).request("/index.php", params={"title": "Main_Page"})
            self.assertEqual(view.status, 200)
            with self.db() as db:
                left = db.execute("select count(*) from abuse_filter_log where afl_id = ?",
                                  (aged,)).fetchone()[0]
            if not left:
                break
            time.sleep(1)
        with self.db() as db:
            self.assertEqual(db.execute("select count(*) from abuse_filter_log where afl_id = ?",
                                        (aged,)).fetchone()[0], 0)
            self.assertEqual(db.execute("select count(*) from text where old_id = ?",
                                        (int(dump.split(":")[1]),)).fetchone()[0], 0)
            self.assertEqual(db.execute("select count(*) from captchaguard_sensitive_value "
                                        "where csv_var_dump = ?", (dump,)).fetchone()[0], 0)
            self.assertEqual(db.execute("select count(*) from abuse_filter_log where afl_id = ?",
                                        (young,)).fetchone()[0], 1)
        # The wiki's SQLite file is in WAL mode: fold the log into the file, as
        # SQLite's own checkpoints do, then read every byte of both.
        with self.db() as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw = b""
        for path in (db_file, db_file + "-wal"):
            if os.path.exists(path):
                with open(path, "rb") as f:
                    raw += f.read()
        self.assertNotIn(aged_agent.encode(), raw)
        self.assertIn(young_agent.encode(), raw)


class SensitiveBrowserTest(unittest.TestCase):
    """What a checkuser and a sysop see, in headless Chromium (screenshots in build/screenshots/)."""
    base = None
    wiki_dir = None

    @classmethod
    def setUpClass(cls):
        cls.filter = create_filter(cls.base, "cg sensitive ua", 'user_agent irlike "evilbot"', {},
                                   user="Checker", fields=PROTECTED)

    def browse(self, user):
        from browser import Browser  # Debian's python3-selenium (run.sh uses /usr/bin/python3)
        browser = Browser(self.base, f"sensitive-{user}")
        self.addCleanup(browser.quit)
        browser.login(user)
        browser.open(f"/index.php?title=Special:AbuseFilter/{self.filter}")
        return browser

    def test_the_checkuser_sees_the_rules_and_the_variables_in_the_editor(self):
        browser = self.browse("Checker")
        browser.wait_for("#wpFilterRules")
        browser.shot("filter editor")
        source = html.unescape(browser.driver.page_source)
        self.assertIn('user_agent irlike "evilbot"', source)
        for label in ("User agent of the request (CheckUser level)",
                      "IP address of the request, also for registered users (CheckUser level)",
                      "hCaptcha risk score of the user, bucketed; -1 when there is none (CheckUser level)"):
            self.assertIn(label, source)

    def test_a_sysop_sees_a_refusal_without_the_rules(self):
        browser = self.browse("Sysop2")
        browser.wait_for("#firstHeading")
        browser.shot("refused")
        self.assertEqual(browser.text("#firstHeading"), "CheckUser-level filter")
        self.assertIn("captchaguard-sensitive-filters", browser.text("#mw-content-text"))
        self.assertNotIn("evilbot", browser.driver.page_source.lower())


    def test_a_sysops_refused_filter_keeps_what_was_typed_and_says_why(self):
        from browser import Browser
        from selenium.webdriver.common.by import By
        browser = Browser(self.base, "sensitive-sysop-refused-save")
        self.addCleanup(browser.quit)
        browser.login("Sysop2")
        browser.open("/index.php?title=Special:AbuseFilter/new")
        description = unique("cg typed by a sysop")
        rules = 'page_title == "x" & user_agent irlike "typed"'
        browser.type_into("input[name=wpFilterDescription]", description)
        browser.type_into("#wpFilterRules", rules)
        browser.type_into("textarea[name=wpFilterNotes]", "notes typed by a sysop")
        # Check syntax gives the reason, not "An unknown error occurred".
        browser.click("#mw-abusefilter-syntaxcheck button, #mw-abusefilter-syntaxcheck")
        browser.wait_until(lambda: "captchaguard-sensitive-filters"
                           in browser.text("#mw-abusefilter-syntaxresult"), "the syntax check's reason")
        browser.shot("check syntax")
        browser.click("input[type=submit][value='Save filter']")
        browser.wait_until(lambda: "which you do not have" in browser.text("#mw-content-text"),
                           "the refusal in the form")
        browser.shot("refused save")
        self.assertIn("captchaguard-sensitive-filters", browser.text("#mw-content-text"))
        self.assertNotIn("abusefilter-access-protected-vars", browser.text("#mw-content-text"))
        field = browser.driver.find_element(By.CSS_SELECTOR, "#wpFilterRules")
        self.assertEqual(field.get_attribute("value").strip(), rules)
        self.assertEqual(browser.driver.find_element(
            By.CSS_SELECTOR, "input[name=wpFilterDescription]").get_attribute("value"), description)
        self.assertEqual(browser.driver.find_element(
            By.CSS_SELECTOR, "textarea[name=wpFilterNotes]").get_attribute("value").strip(),
            "notes typed by a sysop")


class HCaptchaBucketTest(unittest.TestCase):
    base = None

    @classmethod
    def setUpClass(cls):
        cls.server = fake_siteverify.start(SITEVERIFY_PORT)

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()

    def test_the_bucket_set_by_the_hcaptcha_class_matches(self):
        checker = WikiClient(self.base).login("Checker")
        checker.api(post={"token": checker.token(),
                          "change": "abusefilter-protected-vars-view-agreement=1"},
                    action="options")
        bucket = create_filter(
            self.base, "cg sensitive bucket",
            'hcaptcha_risk_bucket == 0.5 & page_title rlike "^CG sensitive bucket"', {},
            user="Checker", fields=PROTECTED,
        )
        alice = WikiClient(self.base).login("Alice")
        first = unique("CG sensitive bucket")
        self.assertEqual(alice.edit(first, "text")["edit"]["result"], "Failure")
        saved = alice.edit(first, "text", captchaword=fresh("score-0.58"))
        self.assertEqual(saved["edit"]["result"], "Success", saved)
        second = unique("CG sensitive bucket")
        alice.edit(second, "text", captchaword=fresh("score-0.58"))
        # Without a score: -1, no hit.
        anonymous = WikiClient(self.base)
        unscored = unique("CG sensitive bucket")
        anonymous.edit(unscored, "text")
        anonymous.edit(unscored, "text", captchaword=fresh("pass"))
        settle()
        hits = checker.api(action="query", list="abuselog", aflfilter=bucket,
                           aflprop="title|details", afllimit="max")["query"]["abuselog"]
        titles = {h["title"]: h for h in hits}
        self.assertIn(second, titles)
        self.assertEqual(titles[second]["details"]["hcaptcha_risk_bucket"], 0.5)
        self.assertNotIn(unscored, titles)
        self.assertNotIn("0.58", str(hits))


class OldWikiTest(unittest.TestCase):
    base = None

    def test_mediawiki_1_39_does_not_offer_the_variables(self):
        admin = WikiClient(self.base).login("Admin")
        for rules in ('user_agent == "x"', 'user_ip == "x"', "hcaptcha_risk_bucket == 1"):
            with self.subTest(rules=rules):
                answer = admin.api(post={}, action="abusefilterchecksyntax", filter=rules)
                self.assertEqual(answer["abusefilterchecksyntax"]["status"], "error", answer)
                self.assertIn(rules.split()[0], answer["abusefilterchecksyntax"]["message"])


def load_tests(loader, tests, pattern):
    suite = unittest.TestSuite()
    for variable, default, cls in (
        ("CAPTCHAGUARD_SENSITIVE_WIKI", "mw143=8111", SensitiveFiltersTest),
        ("CAPTCHAGUARD_SENSITIVE_WIKI", "mw143=8111", SensitiveBrowserTest),
        ("CAPTCHAGUARD_SENSITIVE_HCAPTCHA_WIKI", "hc143=8171", HCaptchaBucketTest),
        ("CAPTCHAGUARD_SENSITIVE_OLD_WIKI", "mw139=8101", OldWikiTest),
    ):
        # Set empty: a run without that wiki (the Debian 13 run has no hCaptcha or 1.39 wiki).
        if os.environ.get(variable) == "":
            continue
        name, port, wiki_dir = only(variable, default)
        case = type(f"{cls.__name__}_{name}", (cls,), {
            "base": f"http://127.0.0.1:{port}", "wiki_dir": wiki_dir,
        })
        suite.addTests(loader.loadTestsFromTestCase(case))
    return suite


if __name__ == "__main__":
    unittest.main()
