"""update.php brings a switch table made by CaptchaGuard 0.1 (performer and
reason as text columns) to the actor and comment tables, on SQLite (1.39 and
1.43) and MariaDB in strict mode (the farm's shared table). Runs last: it
replaces the tables' contents."""

import json
import os
import subprocess
import tempfile
import unittest

from wikiclient import WikiClient, wikis_from_env

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WIKIS_DIR = os.environ.get("CAPTCHAGUARD_WIKIS_DIR", os.path.join(REPO, "build", "wikis"))
MODULE = os.path.join(REPO, "target", "release", "libcaptchaguard.so")
SQLITE_WIKIS = list(wikis_from_env("CAPTCHAGUARD_WIKIS", "mw139=8101,mw143=8111"))
FARM1, FARM2 = os.environ.get("CAPTCHAGUARD_FARM", "8141,8151").split(",")


def php(wiki, *args):
    folder = os.path.join(WIKIS_DIR, wiki)
    with open(os.path.join(folder, "mwroot")) as f:
        mwroot = f.read().strip()
    env = dict(os.environ, MW_INSTALL_PATH=mwroot, MW_CONFIG_FILE=os.path.join(folder, "LocalSettings.php"))
    script = args[0] if args[0].startswith("/") else os.path.join(mwroot, args[0])
    done = subprocess.run(["php", "-d", f"extension={MODULE}", script, *args[1:]],
                          env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise AssertionError(f"{args} on {wiki} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


class SchemaUpdate(unittest.TestCase):
    TABLE_SCRIPT = os.path.join(REPO, "tests", "integration", "bin", "emergency-table-0.1.php")

    def restore_01_table(self, wiki, wiki_id, elsewhere):
        rows = [
            {"ce_wiki": "*", "ce_active": 1, "ce_actions": "edit", "ce_expiry": "20200101000000",
             "ce_reason": "first", "ce_user_text": "Admin", "ce_origin_wiki": wiki_id,
             "ce_timestamp": "20191231000000"},
            {"ce_wiki": wiki_id, "ce_active": 0, "ce_actions": "", "ce_expiry": None,
             "ce_reason": "Ended ''quietly'' — é", "ce_user_text": "Departed", "ce_origin_wiki": wiki_id,
             "ce_timestamp": "20200101000000"},
            {"ce_wiki": "*", "ce_active": 0, "ce_actions": "", "ce_expiry": None,
             "ce_reason": "from elsewhere", "ce_user_text": "Steward", "ce_origin_wiki": elsewhere,
             "ce_timestamp": "20200102000000"},
        ]
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(rows, f)
        try:
            php(wiki, self.TABLE_SCRIPT, "--restore", f.name)
        finally:
            os.unlink(f.name)
        self.assertTrue(self.dump(wiki)["legacy_columns"])

    def dump(self, wiki):
        return json.loads(php(wiki, self.TABLE_SCRIPT, "--dump"))

    @staticmethod
    def stored(base):
        state = WikiClient(base).api(action="query", meta="emergencycaptcha")["query"]["emergencycaptcha"]
        return state["user"], state["reason"]

    def check_update(self, wiki, port, elsewhere):
        base = f"http://127.0.0.1:{port}"
        wiki_id = WikiClient(base).api(action="query", meta="siteinfo")["query"]["general"]["wikiid"]
        self.restore_01_table(wiki, wiki_id, elsewhere)

        output = php(wiki, "maintenance/update.php", "--quick")
        self.assertIn("moved 3 emergency CAPTCHA switch rows", output)
        table = self.dump(wiki)
        self.assertFalse(table["legacy_columns"], table)
        admin, departed, steward = table["rows"]
        # A registered local user keeps their account; anyone else is an external name.
        self.assertEqual((admin["actor_name"], admin["reason"]), ("Admin", "first"))
        self.assertIsNotNone(admin["actor_user"])
        self.assertEqual(departed, {"wiki": wiki_id, "origin": wiki_id, "actor_name": f"{wiki_id}>Departed",
                                    "actor_user": None, "reason": "Ended ''quietly'' — é"})
        self.assertEqual((steward["actor_name"], steward["actor_user"], steward["reason"]),
                         (f"{elsewhere}>Steward", None, "from elsewhere"))
        self.assertEqual(self.stored(base), (f"{elsewhere}>Steward", "from elsewhere"))

        again = php(wiki, "maintenance/update.php", "--quick")
        self.assertNotIn("emergency CAPTCHA switch rows", again)
        self.assertEqual(self.dump(wiki), table)

        # The migrated table takes new switches as before.
        admin_client = WikiClient(base).login("Admin")
        result = admin_client.api(post={"state": "off", "reason": "after update.php", "token": admin_client.token()},
                                  action="emergencycaptcha")
        self.assertFalse(result["emergencycaptcha"]["active"], result)
        self.assertEqual(self.stored(base), ("Admin", "after update.php"))
        return base

    def test_sqlite_tables_are_migrated(self):
        for wiki, port, _ in SQLITE_WIKIS:
            with self.subTest(wiki=wiki):
                self.check_update(wiki, port, "otherwiki")

    def test_the_farm_table_on_mariadb_is_migrated_and_names_read_from_each_wiki(self):
        farm1 = self.check_update("farm1", FARM1, "farm2")
        farm2 = f"http://127.0.0.1:{FARM2}"
        # The last switch was made on farm1 for farm1 only; the one before it, for
        # every wiki, by farm2's own Steward: farm2 names him as its own user.
        self.assertEqual(self.stored(farm2), ("Steward", "from elsewhere"))
        self.assertEqual(self.stored(farm1), ("Admin", "after update.php"))


if __name__ == "__main__":
    unittest.main()
