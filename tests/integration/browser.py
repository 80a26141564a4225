"""Headless Chromium (Debian's chromium and chromium-driver, through Debian's
python3-selenium), driven as a person uses the wiki: it types, clicks and reads
what is on the page. Every step is kept as a screenshot under
build/screenshots/ for a person to look at; the tests assert on the page."""

import os
import re

from selenium import webdriver
from selenium.common.exceptions import (
    StaleElementReferenceException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from wikiclient import PASSWORDS, USER_PASSWORD

SCREENSHOTS = os.environ.get(
    "CAPTCHAGUARD_SCREENSHOTS",
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../build/screenshots"),
)
# Loading VisualEditor on a busy 2-core machine takes a while.
WAIT_SECONDS = 90


def _shown(element):
    try:
        return element.is_displayed()
    except StaleElementReferenceException:
        return False


class Browser:
    def __init__(self, base, name):
        options = webdriver.ChromeOptions()
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                    "--window-size=1280,1000", "--lang=en-US"):
            options.add_argument(arg)
        options.binary_location = "/usr/bin/chromium"
        self.driver = webdriver.Chrome(
            service=Service("/usr/bin/chromedriver"), options=options
        )
        self.base = base
        self.name = name
        self.step = 0
        os.makedirs(SCREENSHOTS, exist_ok=True)

    def quit(self):
        self.driver.quit()

    def open(self, path):
        self.driver.get(self.base + path)

    def shot(self, label):
        self.step += 1
        safe = re.sub(r"[^A-Za-z0-9_-]+", "-", label)
        self.driver.save_screenshot(
            os.path.join(SCREENSHOTS, f"{self.name}-{self.step:02d}-{safe}.png")
        )

    def wait_for(self, css, visible=True, seconds=WAIT_SECONDS):
        condition = (EC.visibility_of_element_located if visible
                     else EC.presence_of_element_located)
        try:
            return WebDriverWait(self.driver, seconds).until(condition((By.CSS_SELECTOR, css)))
        except TimeoutException:
            self.shot("timed-out-waiting")
            raise AssertionError(f"{css!r} did not appear on {self.driver.current_url}")

    def wait_until(self, predicate, what, seconds=WAIT_SECONDS):
        try:
            return WebDriverWait(self.driver, seconds).until(lambda d: predicate())
        except TimeoutException:
            self.shot("timed-out-waiting")
            raise AssertionError(f"{what} did not happen on {self.driver.current_url}")

    def visible(self, css):
        return [e for e in self.driver.find_elements(By.CSS_SELECTOR, css) if _shown(e)]

    def text(self, css):
        """The visible text of what `css` matches; "" while the page is being replaced."""
        try:
            return "\n".join(e.text for e in self.visible(css))
        except StaleElementReferenceException:
            return ""

    def click(self, css):
        element = self.wait_for(css)
        self.wait_until(lambda: element.is_enabled(), f"{css} enabled")
        self.click_element(element, css)

    def type_into(self, css, text):
        element = self.wait_for(css)
        self.click_element(element, css)
        element.send_keys(text)

    def click_element(self, element, what):
        try:
            element.click()
        except WebDriverException as error:
            self.shot("could-not-click")
            raise AssertionError(f"could not click {what}: {error.msg}")

    def click_text(self, text):
        """Clicks the visible button or link that reads `text`."""
        xpath = (f"//*[self::a or self::button or @role='button']"
                 f"[normalize-space()={text!r}]")
        self.wait_until(
            lambda: any(e.is_displayed() for e in self.driver.find_elements(By.XPATH, xpath)),
            f"a button {text!r}",
        )
        element = [e for e in self.driver.find_elements(By.XPATH, xpath) if e.is_displayed()][0]
        self.click_element(element, text)

    def dismiss_welcome(self):
        """A first visit to an editor opens VisualEditor's welcome dialog, in
        the wikitext editor too: start editing, as a person would."""
        start = ".ve-init-mw-welcomeDialog .oo-ui-messageDialog-actions .oo-ui-flaggedElement-primary a"
        try:
            WebDriverWait(self.driver, 10).until(
                EC.element_to_be_clickable((By.CSS_SELECTOR, start))
            )
        except TimeoutException:
            return
        self.shot("welcome")
        self.driver.find_element(By.CSS_SELECTOR, start).click()
        self.wait_until(lambda: not self.visible(".ve-init-mw-welcomeDialog"), "welcome closed")

    def login(self, user):
        self.open("/index.php?title=Special:UserLogin")
        self.type_into("#wpName1", user)
        self.type_into("#wpPassword1", PASSWORDS.get(user, USER_PASSWORD))
        self.click("#wpLoginAttempt")
        self.wait_until(
            lambda: self.driver.execute_script("return mw.config.get('wgUserName')") == user,
            f"login as {user}",
        )
