"""Issue 21, item 4: the CaptchaGuardBeforeChallenge hook, used by a small
test extension as another extension would (hook-extension/, loaded on every
test wiki): it skips the challenge of edits to pages titled "CG hook skip …"
and takes over the CAPTCHA of deletions of pages titled "CG delete hook claim
…", which CaptchaGuard itself cannot challenge. On MediaWiki 1.39 and 1.43.
"""

import json
import os
import unittest

from test_captcha_actions import create_filter, filters_for
from wikiclient import WikiClient, unique, wikis_from_env


class HookBase(unittest.TestCase):
    wiki = base = folder = None

    @classmethod
    def setUpClass(cls):
        cls.delete_filter = filters_for(cls.wiki, cls.base)["delete"]
        cls.edit_filter = create_filter(cls.base, "cg hook", 'added_lines rlike "cg-hook-trigger"',
                                        {"showcaptcha": {}})
        cls.admin = WikiClient(cls.base).login("Admin")

    def abuselog(self, title):
        return [(e["filter_id"], e["action"], e["result"]) for e in self.admin.api(
            action="query", list="abuselog", afltitle=title, aflprop="ids|action|result", afllimit="50",
        )["query"]["abuselog"]]

    def claims(self):
        path = os.path.join(self.folder, "hook-claims.jsonl")
        if not os.path.exists(path):
            return []
        with open(path) as claims:
            return [json.loads(line) for line in claims]

    def test_an_extension_lets_an_edit_through_without_a_captcha(self):
        client = WikiClient(self.base)
        skipped = unique("CG hook skip")
        saved = client.edit(skipped, "cg-hook-trigger")["edit"]
        self.assertEqual(saved.get("result"), "Success", saved)
        self.assertNotIn("captcha", saved)
        # The filter matched, but no CAPTCHA was asked: AbuseLog lists no action taken.
        self.assertEqual(self.abuselog(skipped), [(str(self.edit_filter), "edit", "")])
        # Other pages are asked as before.
        asked = client.edit(unique("CG hook other"), "cg-hook-trigger")["edit"]
        self.assertEqual(asked.get("result"), "Failure", asked)
        self.assertIn("captcha", asked)

    def test_an_extension_takes_over_an_action_captchaguard_cannot_challenge(self):
        # forcecaptcha on deletions: asked of administrators too, but a deletion cannot take a CAPTCHA.
        admin = self.admin
        for prefix, claimed in (("CG delete hook claim", True), ("CG delete hook unclaimed", False)):
            title = unique(prefix)
            self.assertEqual(admin.edit(title, "text")["edit"]["result"], "Success")
            before = len(self.claims())
            deleted = admin.api(post={"title": title, "token": admin.token()}, action="delete")
            # The test extension does not stop the deletion; a real one would ask for its CAPTCHA.
            self.assertIn("delete", deleted, deleted)
            log = self.abuselog(title)
            self.assertEqual(len(log), 1, log)
            self.assertEqual(log[0][:2], (str(self.delete_filter), "delete"))
            if claimed:
                # Listed as taken, and the extension was told which filter and action.
                self.assertEqual(log[0][2], "forcecaptcha")
                self.assertEqual(self.claims()[before:], [{
                    "filter": str(self.delete_filter), "captchaAction": "forcecaptcha",
                    "filteredAction": "delete", "page": title,
                }])
            else:
                self.assertEqual(log[0][2], "")
                self.assertEqual(len(self.claims()), before)


for _name, _port, _folder in wikis_from_env("CAPTCHAGUARD_WIKIS", "mw139=8101,mw143=8111"):
    globals()[f"Hook_{_name}"] = type(f"Hook_{_name}", (HookBase,),
                                      {"wiki": _name, "base": f"http://127.0.0.1:{_port}", "folder": _folder})
del HookBase
