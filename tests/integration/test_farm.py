"""Two wikis (MediaWiki 1.43 on MariaDB) sharing one emergency switch table:
$wgCaptchaGuardEmergencyDatabase points both at farm1's database.
CAPTCHAGUARD_FARM gives their ports: "farm1port,farm2port"."""

import os
import time
import unittest

import test_emergency
from wikiclient import WikiClient

PORTS = os.environ.get("CAPTCHAGUARD_FARM", "8141,8151").split(",")
FARM1, FARM2 = (f"http://127.0.0.1:{port}" for port in PORTS)


class WikiFarm(unittest.TestCase):
    def setUp(self):
        self.admin1 = WikiClient(FARM1).login("Admin")
        self.admin2 = WikiClient(FARM2).login("Admin")

    def tearDown(self):
        self.switch(self.admin1, state="off", reason="farm test over", wikis="*")
        time.sleep(test_emergency.SETTLE)

    @staticmethod
    def switch(client, **params):
        return client.api(post={"token": client.token(), **params}, action="emergencycaptcha")

    @staticmethod
    def on_wiki(base):
        wiki = test_emergency.EmergencyBase("run")
        wiki.base = base
        return wiki

    def assert_wiki(self, base, check):
        self.on_wiki(base).assert_every_worker(check, rounds=2)

    def state(self, client):
        return client.api(action="query", meta="emergencycaptcha")["query"]["emergencycaptcha"]

    def test_one_switch_covers_both_wikis(self):
        self.assert_wiki(FARM1, test_emergency.EmergencyBase.saved)
        self.assert_wiki(FARM2, test_emergency.EmergencyBase.saved)
        result = self.switch(
            self.admin1, state="on", actions="edit|create", expiry="1 hour",
            reason="farm-wide botnet", wikis="farm1|farm2",
        )
        self.assertTrue(result["emergencycaptcha"]["active"], result)
        time.sleep(test_emergency.SETTLE)
        self.assert_wiki(FARM1, test_emergency.EmergencyBase.challenged)
        self.assert_wiki(FARM2, test_emergency.EmergencyBase.challenged)
        seen_from_farm2 = self.state(self.admin2)
        self.assertTrue(seen_from_farm2["active"])
        self.assertEqual(seen_from_farm2["reason"], "farm-wide botnet")
        log = self.admin1.api(action="query", list="logevents", letype="emergencycaptcha")
        self.assertEqual(log["query"]["logevents"][0]["params"]["wikis"], ["farm1", "farm2"])

    def test_a_switch_for_one_wiki_leaves_the_other_alone(self):
        self.switch(self.admin2, state="on", actions="edit", expiry="1 hour", reason="only here")
        time.sleep(test_emergency.SETTLE)
        self.assert_wiki(FARM2, test_emergency.EmergencyBase.challenged)
        self.assert_wiki(FARM1, test_emergency.EmergencyBase.saved)
        self.assertFalse(self.state(self.admin1).get("active"))

    def test_all_wikis_then_off_everywhere(self):
        self.switch(self.admin2, state="on", actions="edit", expiry="1 hour", reason="all", wikis="*")
        time.sleep(test_emergency.SETTLE)
        self.assert_wiki(FARM1, test_emergency.EmergencyBase.challenged)
        self.assert_wiki(FARM2, test_emergency.EmergencyBase.challenged)
        self.switch(self.admin1, state="off", reason="calm", wikis="*")
        time.sleep(test_emergency.SETTLE)
        self.assert_wiki(FARM1, test_emergency.EmergencyBase.saved)
        self.assert_wiki(FARM2, test_emergency.EmergencyBase.saved)


if __name__ == "__main__":
    unittest.main()
