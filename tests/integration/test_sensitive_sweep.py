"""Every AbuseFilter page and API module, as four people (issue 19).

The special pages and API modules are those AbuseFilter 1.43's own
extension.json registers; each list module's props come from the API's
paraminfo (each prop alone, all together, and all but one). The subpages
are AbuseFilter REL1_43's routes (SpecialAbuseFilter::getViewClassAndPageType,
SpecialAbuseLog::execute), each id written as AbuseFilter also reads it
(`7`, `7x`, `+7`, `07`, ` 7`). Canary strings sit in a CheckUser-level
filter's rules and notes and in its hit's user agent: they must reach only the
checkuser, and every response that showed the checkuser one must have left an
entry in the captchaguard-sensitive log naming the page or module used.
"""

import html
import json
import os
import re
import unittest
from urllib.parse import urlencode

from test_sensitive_decisions import SensitiveDecisionsTest
from wikiclient import WikiClient, wikis_from_env

ABUSEFILTER_JSON = os.environ.get(
    "CAPTCHAGUARD_ABUSEFILTER_JSON",
    os.path.join(os.path.dirname(__file__), "../../build/mw143/usr/share/mediawiki/"
                 "extensions-core/AbuseFilter/extension.json"))
SPELLINGS = ("{}", "{}x", "+{}", "0{}", " {}")
FILTER_ROUTES = ("", "new", "{f}", "history", "history/{f}", "history/{f}/item/{h}",
                 "history/{p}/diff/{h}/{ph}", "history/{p}/diff/{ph}/{h}", "log/{f}",
                 "revert/{f}", "test", "test/{f}", "examine", "examine/log/{l}", "tools", "import")
LOG_ROUTES = ("", "{l}", "private/{l}", "hide")
LOG_QUERIES = ({"details": "{l}"}, {"hide": "{l}"}, {"wpSearchFilter": "{f}"})


def registered():
    with open(ABUSEFILTER_JSON) as f:
        spec = json.load(f)
    return (list(spec["SpecialPages"]), list(spec["APIModules"]), list(spec["APIListModules"]))


class SensitiveSweepTest(SensitiveDecisionsTest):
    """Reuses the decisions test's filters, hit and canaries; adds one sweep."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hid = cls._history_ids(cls.sensitive)[0]
        cls.public_hid = cls._history_ids(cls.public)[0]
        log = cls.checker.api(action="query", list="abuselog", aflfilter=cls.sensitive,
                              aflprop="ids|title", afllimit="max")["query"]["abuselog"]
        cls.hit = [e["id"] for e in log if e["title"] == cls.hit_title][0]

    @classmethod
    def _history_ids(cls, filter_id):
        page = cls.checker.request(
            "/index.php", params={"title": f"Special:AbuseFilter/history/{filter_id}"})
        return re.findall(rf"history/{filter_id}/item/(\d+)", html.unescape(page.text))

    def ids(self, spelling):
        return {k: spelling.format(v) for k, v in (
            ("f", self.sensitive), ("h", self.hid), ("l", self.hit))} | {
            "p": str(self.public), "ph": str(self.public_hid)}

    def special_requests(self):
        """(title, query) for every subpage route of AbuseFilter's special pages."""
        pages, _, _ = registered()
        seen = set()
        for spelling in SPELLINGS:
            ids = self.ids(spelling)
            for page in pages:
                routes = {"AbuseFilter": FILTER_ROUTES, "AbuseLog": LOG_ROUTES}.get(page, ("",))
                for route in routes:
                    title = f"Special:{page}/{route.format(**ids)}".rstrip("/")
                    seen.add((title, ()))
                if page == "AbuseLog":
                    for query in LOG_QUERIES:
                        seen.add(("Special:AbuseLog",
                                  tuple((k, v.format(**ids)) for k, v in query.items())))
        return sorted(seen)

    def api_requests(self, client):
        """(params, via) for every API module and list prop combination AbuseFilter registers."""
        _, modules, lists = registered()
        info = client.api(action="paraminfo",
                          modules="|".join(modules + [f"query+{m}" for m in lists]))
        requests = []
        for module in info["paraminfo"]["modules"]:
            name = module["name"]
            params = {p["name"]: p for p in module["parameters"]}
            if module["group"] == "list":
                prefix = module["prefix"]
                props = params["prop"]["type"]
                # Each alone, all, and all but one (AbuseFilter 1.43's abfprop=hits
                # fails for everyone with a TypeError of its own).
                combos = [[p] for p in props] + [props] + [
                    [p for p in props if p != left_out] for left_out in props]
                for combo in combos:
                    requests.append(({"action": "query", "list": name,
                                      f"{prefix}prop": "|".join(combo), f"{prefix}limit": "max"},
                                     f"api.php?action=query&list={name}"))
                continue
            # Action modules: the sensitive hit where they take one, harmless rules elsewhere.
            values = {"logid": str(self.hit), "filter": "true", "expression": "1",
                      "reason": "sweep", "user": "Alice"}
            call = {"action": name, **{k: v for k, v in values.items() if k in params}}
            requests.append((call, f"api.php?action={name}"))
        return requests

    def sweep(self, client):
        """Every response, keyed by the page or module used."""
        responses = []
        for title, query in self.special_requests():
            resp = client.request("/index.php", params={"title": title, **dict(query)})
            used = f"{title}?{urlencode(query)}" if query else title
            responses.append((used, dict(query), resp.text))
        for params, via in self.api_requests(client):
            post = {"token": client.token()} if params["action"] != "query" else None
            resp = client.request("/api.php", params={**params, "format": "json"}, data=post)
            responses.append((via, params, resp.text))
        return responses

    def canaries_in(self, text):
        lowered = html.unescape(text).lower()
        return [c for c in (self.canary, self.notes_canary, self.agent) if c.lower() in lowered]

    def test_every_page_and_module_shows_canaries_only_to_the_checkuser_and_logs_each_look(self):
        readers = dict(self.users, anonymous=WikiClient(self.base))
        for name, client in readers.items():
            for used, params, text in self.sweep(client):
                with self.subTest(user=name, used=used, params=params):
                    self.assertEqual(self.canaries_in(text), [])
        shown = [(used, params) for used, params, text in self.sweep(self.checker)
                 if self.canaries_in(text)]
        # The sweep reaches the sensitive filter's text, notes and hit for the checkuser.
        self.assertGreater(len(shown), 10, shown)
        logged = {normalise(via) for _, _, via, _ in self.checker_log()}
        for used, params in shown:
            with self.subTest(checkuser_look=used, params=params):
                self.assertIn(normalise(used), logged)


def normalise(page):
    return re.sub(r"[\s_]+", " ", html.unescape(page)).strip().lower()


def load_tests(loader, tests, pattern):
    suite = unittest.TestSuite()
    for name, port, wiki_dir in wikis_from_env("CAPTCHAGUARD_DECISIONS_WIKIS",
                                               "mw143=8111,farm1=8141"):
        case = type(f"SensitiveSweepTest_{name}", (SensitiveSweepTest,), {
            "base": f"http://127.0.0.1:{port}", "wiki_dir": wiki_dir})
        suite.addTest(case("test_every_page_and_module_shows_canaries_only_to_the_checkuser_"
                           "and_logs_each_look"))
    return suite


if __name__ == "__main__":
    unittest.main()
