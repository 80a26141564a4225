"""A small HTTP client for a real MediaWiki: API calls, logins and the
wikitext editor's form, with cookies kept as a browser keeps them."""

import http.cookiejar
import itertools
import json
import os
import re
import struct
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zlib
from html.parser import HTMLParser

PASSWORDS = {"Admin": "Guard-Admin-2026"}
USER_PASSWORD = "Guard-User-2026"
CAPTCHA_ANSWER = "guard"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.text = body

    def json(self):
        return json.loads(self.text)


class FormParser(HTMLParser):
    """Collects the fields of one <form> as a browser would submit them."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields = {}
        self.order = []
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.form_id in (None, attrs.get("id")):
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind == "submit":
                return
            self.fields[name] = attrs.get("value", "") or ""
            self.order.append(name)
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
            self.order.append(name)

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        if tag == "form" and self.inside:
            self.inside = False


def form_fields(html, form_id="editform"):
    parser = FormParser(form_id)
    parser.feed(html)
    return parser.fields, parser.order


class WikiClient:
    def __init__(self, base):
        self.base = base.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        # Sent with every request (the fault tests break requests by header).
        self.headers = {}
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def request(self, path, params=None, data=None):
        url = self.base + path
        if params:
            url += "?" + urllib.parse.urlencode(params)
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(url, data=body, headers=self.headers)
        try:
            with self.opener.open(req, timeout=60) as resp:
                return Response(resp.status, resp.headers, resp.read().decode())
        except urllib.error.HTTPError as err:
            return Response(err.code, err.headers, err.read().decode())

    def api(self, post=None, **params):
        params.setdefault("format", "json")
        params.setdefault("formatversion", "2")
        if post is None:
            resp = self.request("/api.php", params=params)
        else:
            resp = self.request("/api.php", data={**params, **post})
        assert resp.status == 200, resp.text[:2000]
        return resp.json()

    def post_file(self, path, fields, file_field, filename, data, content_type="image/png"):
        """A multipart/form-data POST, as a browser sends a form with a file."""
        boundary = "----captchaguard" + uuid.uuid4().hex
        body = b""
        for name, value in fields.items():
            body += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n").encode()
        body += (f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
                 f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n').encode()
        body += data + f"\r\n--{boundary}--\r\n".encode()
        headers = {**self.headers, "Content-Type": "multipart/form-data; boundary=" + boundary}
        req = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(req, timeout=60) as resp:
                return Response(resp.status, resp.headers, resp.read().decode())
        except urllib.error.HTTPError as err:
            return Response(err.code, err.headers, err.read().decode())

    def token(self, kind="csrf"):
        data = self.api(action="query", meta="tokens", type=kind)
        return data["query"]["tokens"][kind + "token"]

    def login(self, user):
        password = PASSWORDS.get(user, USER_PASSWORD)
        token = self.token("login")
        data = self.api(
            post={"lgname": user, "lgpassword": password, "lgtoken": token},
            action="login",
        )
        assert data["login"]["result"] == "Success", data
        return self

    def create_account(self, name, token=None, **answer):
        """action=createaccount for `name` (the `createaccount` answer); `token`
        is fetched unless given (parallel requests share one)."""
        token = token or self.token("createaccount")
        return self.api(
            post={"username": name, "password": USER_PASSWORD, "retype": USER_PASSWORD,
                  "createreturnurl": self.base + "/", "createtoken": token, **answer},
            action="createaccount",
        )["createaccount"]

    def sign_up_captcha(self):
        """The CAPTCHA fields this session's sign-up must fill (authmanagerinfo), None when none."""
        info = self.api(action="query", meta="authmanagerinfo", amirequestsfor="create")
        for request in info["query"]["authmanagerinfo"]["requests"]:
            if request["id"] == "CaptchaAuthenticationRequest":
                return request["fields"]
        return None

    def user_exists(self, name):
        data = self.api(action="query", list="users", ususers=name)
        return "missing" not in data["query"]["users"][0]

    def edit(self, title, text, **extra):
        post = {"title": title, "text": text, "token": self.token(), **extra}
        return self.api(post=post, action="edit")

    def page_text(self, title):
        data = self.api(
            action="query", prop="revisions", rvprop="content|ids",
            rvslots="main", titles=title,
        )
        page = data["query"]["pages"][0]
        if page.get("missing"):
            return None
        return page["revisions"][0]["slots"]["main"]["content"]

    def open_editor(self, title):
        resp = self.request("/index.php", params={"title": title, "action": "edit"})
        assert resp.status == 200, resp.status
        return resp

    def submit_editor(self, title, fields, **overrides):
        data = {**fields, **overrides}
        data.setdefault("wpSave", "Save changes")
        return self.request(
            "/index.php", params={"title": title, "action": "submit"}, data=data
        )


def png_image():
    """A small PNG no other test uploaded (random pixels)."""
    width = height = 2
    rows = b"".join(b"\x00" + os.urandom(3 * width) for _ in range(height))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def strip_tags(html):
    return re.sub(r"<[^>]+>", " ", html)


_serial = itertools.count()


def unique(prefix):
    """A page title or name no earlier test run has used."""
    return f"{prefix} {int(time.time() * 1000)}-{next(_serial)}"


def wikis_from_env(variable, default):
    """The wikis a test module runs against: (name, port, folder) from
    "name=port,..." in `variable`, folders under $CAPTCHAGUARD_WIKIS_DIR."""
    wikis_dir = os.environ.get("CAPTCHAGUARD_WIKIS_DIR", "../../build/wikis")
    for item in os.environ.get(variable, default).split(","):
        name, port = item.split("=")
        yield name, int(port), os.path.join(wikis_dir, name)
