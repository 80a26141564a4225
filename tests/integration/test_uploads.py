"""Issue 21, item 2: a filter's CAPTCHA on uploads, on MediaWiki 1.39 and 1.43.
The upload API answers as the edit API does (a `captcha` object, and the
`filekey` MediaWiki stashed the file under), and takes `captchaid` and
`captchaword` with that `filekey`: a stashed or chunked upload is asked at its
final step. Special:Upload comes back with the filter's message and the CAPTCHA
in the form, the file kept in the stash and the description as typed.
showcaptcha leaves `skipcaptcha` holders alone, forcecaptcha does not, exempt
users are never asked, and AbuseLog lists the action only when a CAPTCHA was
demanded.
"""

import unittest

from test_captcha_actions import filters_for
from wikiclient import CAPTCHA_ANSWER, WikiClient, form_fields, png_image, strip_tags, unique, wikis_from_env

FLAGGED = "An abuse filter flagged this upload as possibly automated"
WRONG = "The answer to the CAPTCHA was wrong"


class UploadsBase(unittest.TestCase):
    wiki = base = None

    @classmethod
    def setUpClass(cls):
        cls.filters = filters_for(cls.wiki, cls.base)
        cls.admin = WikiClient(cls.base).login("Admin")

    def uploader(self, user="Alice"):
        return WikiClient(self.base).login(user)

    @staticmethod
    def file_name():
        return unique("CG upload").replace(" ", "_") + ".png"

    def upload(self, client, name, comment, **extra):
        """action=upload with a new file."""
        fields = {"action": "upload", "format": "json", "filename": name, "comment": comment,
                  "token": client.token(), **extra}
        answer = client.post_file("/api.php", fields, "file", name, png_image())
        self.assertEqual(answer.status, 200, answer.text[:500])
        return answer.json()

    def publish(self, client, name, comment, filekey, **extra):
        """action=upload of a file already in the stash (the final step)."""
        return client.api(post={"filename": name, "filekey": filekey, "comment": comment,
                                "token": client.token(), **extra}, action="upload")

    def assert_asked(self, answer, code="captchaguard-upload-flagged"):
        error = answer.get("error", {})
        self.assertEqual(error.get("code"), code, answer)
        self.assertEqual(error["captcha"]["question"], "Type the word guard")
        self.assertEqual(error["captcha"]["captchaguard"]["code"], code)
        # The file is kept in the stash: the answer publishes it without sending it again.
        self.assertTrue(error.get("filekey"), answer)
        return error["captcha"], error["filekey"]

    def assert_uploaded(self, answer, name):
        self.assertEqual(answer.get("upload", {}).get("result"), "Success", answer)
        self.assertNotIn("warnings", answer)
        info = self.admin.api(action="query", titles="File:" + name, prop="imageinfo")
        self.assertNotIn("missing", info["query"]["pages"][0], info)

    def results(self, name):
        log = self.admin.api(action="query", list="abuselog", afltitle="File:" + name, aflprop="action|result",
                             afllimit="50", afldir="newer")["query"]["abuselog"]
        return [(entry["action"], entry["result"]) for entry in log]

    def test_api_upload_asks_then_publishes_the_stashed_file(self):
        alice = self.uploader()
        name = self.file_name()
        captcha, filekey = self.assert_asked(self.upload(alice, name, "cg-upload-trigger"))
        captcha2, filekey = self.assert_asked(
            self.publish(alice, name, "cg-upload-trigger", filekey, captchaid=captcha["id"], captchaword="nope"),
            "captchaguard-upload-wrong-answer")
        self.assertNotEqual(captcha2["id"], captcha["id"])
        done = self.publish(alice, name, "cg-upload-trigger", filekey, captchaid=captcha2["id"],
                            captchaword=CAPTCHA_ANSWER)
        self.assert_uploaded(done, name)
        self.assertEqual(self.results(name), [("upload", "showcaptcha")] * 2 + [("upload", "")])

    def test_a_stashed_upload_is_asked_at_its_final_step(self):
        alice = self.uploader()
        name = self.file_name()
        stashed = self.upload(alice, name, "", stash="1")
        filekey = stashed["upload"]["filekey"]
        captcha, filekey = self.assert_asked(self.publish(alice, name, "cg-upload-trigger", filekey))
        done = self.publish(alice, name, "cg-upload-trigger", filekey, captchaid=captcha["id"],
                            captchaword=CAPTCHA_ANSWER)
        self.assert_uploaded(done, name)

    def test_a_chunked_upload_is_asked_at_its_final_step(self):
        alice = self.uploader()
        name = self.file_name()
        data = png_image()
        fields = {"action": "upload", "format": "json", "filename": name, "stash": "1", "offset": "0",
                  "filesize": str(len(data)), "token": alice.token()}
        chunk = alice.post_file("/api.php", fields, "chunk", name, data).json()
        self.assertEqual(chunk.get("upload", {}).get("result"), "Success", chunk)
        captcha, filekey = self.assert_asked(
            self.publish(alice, name, "cg-upload-trigger", chunk["upload"]["filekey"]))
        done = self.publish(alice, name, "cg-upload-trigger", filekey, captchaid=captcha["id"],
                            captchaword=CAPTCHA_ANSWER)
        self.assert_uploaded(done, name)

    def test_skipcaptcha_holders_only_by_forcecaptcha_and_exempt_users_never(self):
        skipper, exempt = self.uploader("Skipper"), self.uploader("Exempt")
        name = self.file_name()
        self.assert_uploaded(self.upload(skipper, name, "cg-upload-trigger"), name)
        self.assertEqual(self.results(name), [("upload", "")])
        name = self.file_name()
        captcha, filekey = self.assert_asked(self.upload(skipper, name, "cg-force-upload"))
        self.assert_uploaded(self.publish(skipper, name, "cg-force-upload", filekey, captchaid=captcha["id"],
                                          captchaword=CAPTCHA_ANSWER), name)
        self.assertEqual(self.results(name), [("upload", "forcecaptcha"), ("upload", "")])
        for comment in ("cg-upload-trigger", "cg-force-upload"):
            name = self.file_name()
            self.assert_uploaded(self.upload(exempt, name, comment), name)
            self.assertEqual(self.results(name), [("upload", "")])

    def test_upload_form_keeps_the_file_and_description_and_shows_the_captcha_in_it(self):
        alice = self.uploader()
        name = self.file_name()
        page = alice.request("/index.php", params={"title": "Special:Upload"})
        fields, _ = form_fields(page.text, "mw-upload-form")
        self.assertNotIn("wpCaptchaWord", fields)
        fields.update({"wpDestFile": name, "wpUploadDescription": "cg-upload-trigger typed 21",
                       "wpSourceType": "file", "wpUpload": "Upload file"})
        refused = alice.post_file("/index.php?title=Special:Upload", fields, "wpUploadFile", name, png_image())
        text = strip_tags(refused.text)
        self.assertIn(FLAGGED, text)
        kept, order = form_fields(refused.text, "mw-upload-form")
        # The CAPTCHA is at the top of the form; the file waits in the stash.
        self.assertEqual(order[:2], ["wpCaptchaWord", "wpCaptchaId"])
        self.assertTrue(kept.get("wpSessionKey"), kept)
        self.assertEqual(kept["wpDestFile"], name)
        self.assertIn("cg-upload-trigger typed 21", refused.text)
        wrong = alice.request("/index.php", params={"title": "Special:Upload"},
                              data={**kept, "wpCaptchaWord": "nope", "wpUpload": "Upload file",
                                    "wpUploadDescription": "cg-upload-trigger typed 21"})
        self.assertIn(WRONG, strip_tags(wrong.text))
        again, _ = form_fields(wrong.text, "mw-upload-form")
        self.assertNotEqual(again["wpCaptchaId"], kept["wpCaptchaId"])
        done = alice.request("/index.php", params={"title": "Special:Upload"},
                             data={**again, "wpCaptchaWord": CAPTCHA_ANSWER, "wpUpload": "Upload file",
                                   "wpUploadDescription": "cg-upload-trigger typed 21"})
        self.assertIn(done.status, (302, 303), strip_tags(done.text)[:600])
        info = self.admin.api(action="query", titles="File:" + name, prop="imageinfo", iiprop="comment")
        self.assertEqual(info["query"]["pages"][0]["imageinfo"][0]["comment"], "cg-upload-trigger typed 21")


for _name, _port, _ in wikis_from_env("CAPTCHAGUARD_WIKIS", "mw139=8101,mw143=8111"):
    globals()[f"Uploads_{_name}"] = type(f"Uploads_{_name}", (UploadsBase,),
                                         {"wiki": _name, "base": f"http://127.0.0.1:{_port}"})
del UploadsBase
