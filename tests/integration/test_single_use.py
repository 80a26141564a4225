"""Issue 21, item 5: one right answer, one action. Requests sent at the same
time in one session, each carrying the same right answer to the CAPTCHA a
filter asked for, save at most one edit, create at most one account or move at most one page: the
answer is used up atomically (SingleUseCaptchaStore), also when the requests
reach two application servers.

CAPTCHAGUARD_WIKIS: the single-server wikis (1.39 and 1.43, SQLite);
CAPTCHAGUARD_SINGLE_USE_SERVERS: "name=port" of a wiki on two application
servers (MariaDB, memcached), PORT alternating between them.
"""

import threading
import unittest

from test_captcha_actions import filters_for
from wikiclient import CAPTCHA_ANSWER, WikiClient, unique, wikis_from_env

PARALLEL = 4
ROUNDS = 3


def in_parallel(calls):
    """Runs the calls at once (released together); their answers in order."""
    answers = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(i):
        start.wait()
        answers[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


class SingleUseBase(unittest.TestCase):
    wiki = base = None

    @classmethod
    def setUpClass(cls):
        filters_for(cls.wiki, cls.base)

    def test_parallel_edits_with_one_answer_save_at_most_one(self):
        for _ in range(ROUNDS):
            client = WikiClient(self.base)
            asked = client.edit(unique("CG single use"), "cg-show-trigger")["edit"]
            self.assertEqual(asked.get("result"), "Failure", asked)
            captcha = asked["captcha"]
            token = client.token()
            titles = [unique("CG single use") for _ in range(PARALLEL)]
            answers = in_parallel([
                (lambda t=t: client.api(post={"title": t, "text": "cg-show-trigger", "token": token,
                                              "captchaid": captcha["id"], "captchaword": CAPTCHA_ANSWER},
                                        action="edit"))
                for t in titles
            ])
            saved = [t for t, a in zip(titles, answers) if a.get("edit", {}).get("result") == "Success"]
            self.assertEqual(len(saved), 1, answers)
            # The others were asked again, for a new CAPTCHA.
            for answer in answers:
                if answer.get("edit", {}).get("result") != "Success":
                    self.assertNotEqual(answer["edit"]["captcha"]["id"], captcha["id"], answer)
            existing = [t for t in titles if WikiClient(self.base).page_text(t) is not None]
            self.assertEqual(existing, saved)

    def test_parallel_sign_ups_with_one_answer_create_at_most_one_account(self):
        for _ in range(ROUNDS):
            client = WikiClient(self.base)
            first = unique("CgSignup").replace(" ", "")
            refused = client.create_account(first, client.token("createaccount"))
            self.assertEqual(refused["status"], "FAIL", refused)
            captcha_id = client.sign_up_captcha()["captchaId"]["value"]
            token = client.token("createaccount")
            names = [unique("CgSignup").replace(" ", "") for _ in range(PARALLEL)]
            answers = in_parallel([
                (lambda n=n: client.create_account(n, token, captchaId=captcha_id,
                                                 captchaWord=CAPTCHA_ANSWER))
                for n in names
            ])
            created = [n for n, a in zip(names, answers) if a["status"] == "PASS"]
            self.assertEqual(len(created), 1, answers)
            self.assertEqual([n for n in names if WikiClient(self.base).user_exists(n)], created)

    def test_parallel_moves_with_one_answer_move_at_most_one_page(self):
        client = WikiClient(self.base).login("Alice")
        for _ in range(ROUNDS):
            sources = [unique("CG single move") for _ in range(PARALLEL)]
            for source in sources:
                self.assertEqual(client.edit(source, "movable")["edit"]["result"], "Success")
            token = client.token()
            asked = client.api(post={"from": sources[0], "to": unique("CgMoveTrigger"), "token": token},
                               action="move")
            captcha = asked["error"]["captcha"]
            targets = [unique("CgMoveTrigger") for _ in sources]
            answers = in_parallel([
                (lambda s=s, t=t: client.api(post={"from": s, "to": t, "token": token, "captchaid": captcha["id"],
                                                   "captchaword": CAPTCHA_ANSWER}, action="move"))
                for s, t in zip(sources, targets)
            ])
            moved = [t for t, a in zip(targets, answers) if "move" in a]
            self.assertEqual(len(moved), 1, answers)
            for answer in answers:
                if "move" not in answer:
                    self.assertEqual(answer["error"]["code"], "captchaguard-move-wrong-answer", answer)
                    self.assertNotEqual(answer["error"]["captcha"]["id"], captcha["id"], answer)
            self.assertEqual([t for t in targets if client.page_text(t) is not None], moved)


for _name, _port, _ in [*wikis_from_env("CAPTCHAGUARD_WIKIS", "mw139=8101,mw143=8111"),
                        *wikis_from_env("CAPTCHAGUARD_SINGLE_USE_SERVERS", "multiquesty=8195")]:
    globals()[f"SingleUse_{_name}"] = type(f"SingleUse_{_name}", (SingleUseBase,),
                                           {"wiki": _name, "base": f"http://127.0.0.1:{_port}"})
del SingleUseBase
