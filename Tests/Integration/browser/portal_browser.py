#!/usr/bin/python3
"""Drives headless Chromium through the portal (issues 3 and 4, "How it is checked").

Run by Debian's /usr/bin/python3 (where python3-selenium lives) from
test_browser.py:

    /usr/bin/python3 portal_browser.py CONFIG.json

CONFIG names the URLs, one-time links, session tokens and the screenshot
directory. The script records what the browser saw — it asserts nothing
itself — and prints one JSON object on its last stdout line:
{"A": {...}, "B": {...}, "C": {...}} (each with "errors" and "screenshots").

A: an operator signs in through a login link, changes the portal name and
   accent colour on the settings page, saves, and previews as a member and as
   an admin customer.
B: a customer with a portal session opens the list, creates an issue through
   the "Report a bug" form and replies on it.
C: settings holding script payloads: the rendered DOM shows them as text.
"""

import json
import sys
import time
import traceback
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.support.ui import Select, WebDriverWait

WAIT_SECONDS = 15


def make_driver():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                     "--ignore-certificate-errors", "--no-proxy-server", "--disable-gpu",
                     "--host-resolver-rules=MAP *.localhost 127.0.0.1"]:
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    return driver


class Recorder:
    def __init__(self, driver, out_dir: Path, prefix: str):
        self.driver = driver
        self.out_dir = out_dir
        self.prefix = prefix
        self.result = {"errors": [], "screenshots": [], "pages": []}

    def shot(self, name: str):
        path = self.out_dir / f"{self.prefix}-{name}.png"
        self.driver.save_screenshot(str(path))
        self.result["screenshots"].append(str(path))
        self.result["pages"].append({"name": name, "url": self.driver.current_url, "title": self.driver.title})

    def run(self, steps):
        try:
            steps(self)
        except Exception as error:  # noqa: BLE001 - recorded for the pytest side
            self.result["errors"].append(f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=3)}")
            try:
                self.shot("failure")
            except Exception:  # noqa: BLE001
                pass
        return self.result


def wait_loaded(driver):
    WebDriverWait(driver, WAIT_SECONDS).until(lambda d: d.execute_script("return document.readyState") == "complete")


def is_detached(element) -> bool:
    """Whether the element's page was replaced. Chrome reports it either as a
    stale element or, mid-navigation, as an inspector error ("Node with given
    id does not belong to the document"), which `staleness_of` does not catch."""
    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error):
            return True
        raise


def click_and_wait(driver, element):
    old = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, WAIT_SECONDS).until(lambda _: is_detached(old))
    wait_loaded(driver)


def texts(driver, selector: str) -> list:
    return [element.text for element in driver.find_elements(By.CSS_SELECTOR, selector)]


def text_contents(driver, selector: str) -> list:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent)", selector)


def field_errors(driver) -> list:
    return texts(driver, ".field-error") + texts(driver, ".error-summary")


def sign_in(recorder: Recorder, link: str, shot_name: str):
    driver = recorder.driver
    driver.get(link)
    wait_loaded(driver)
    recorder.shot(shot_name)
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/login/link'] button[type=submit]"))
    recorder.result["after_sign_in"] = {"url": driver.current_url, "title": driver.title}


def preview_observation(driver) -> dict:
    return {
        "url": driver.current_url,
        "banner": " ".join(texts(driver, ".preview-title")),
        "brand": text_contents(driver, ".brand-name"),
        "refs": texts(driver, "td.ref a"),
        "accent": driver.execute_script(
            "return getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()"),
        "no_access": "You have no access to issues here" in driver.page_source,
    }


# -- A: operator ------------------------------------------------------------------------------------

def scenario_a(config: dict, recorder: Recorder):
    driver = recorder.driver
    app = config["app_base"]
    sign_in(recorder, config["login_link"], "1-login-link")
    driver.get(app + "/clients/portal/settings")
    wait_loaded(driver)
    recorder.shot("2-settings")
    recorder.result["settings_before"] = {
        "name": driver.find_element(By.ID, "name").get_attribute("value"),
        "accent": driver.find_element(By.ID, "accentColor").get_attribute("value"),
    }
    name = driver.find_element(By.ID, "name")
    name.clear()
    name.send_keys(config["new_name"])
    # A colour input opens a native picker; set its value the way the picker would.
    driver.execute_script(
        "const input = document.getElementById('accentColor'); input.value = arguments[0];"
        "input.dispatchEvent(new Event('input', {bubbles: true})); input.dispatchEvent(new Event('change', {bubbles: true}));",
        config["new_accent"])
    recorder.shot("3-settings-edited")
    save = [button for button in driver.find_elements(By.CSS_SELECTOR, "button[type=submit]")
            if button.text.strip() == "Save settings"]
    recorder.result["save_button_found"] = bool(save)
    click_and_wait(driver, save[0])
    recorder.shot("4-settings-saved")
    recorder.result["after_save"] = {
        "url": driver.current_url,
        "notices": texts(driver, ".notice"),
        "errors": field_errors(driver),
        "name": driver.find_element(By.ID, "name").get_attribute("value"),
        "accent": driver.find_element(By.ID, "accentColor").get_attribute("value"),
    }
    for role in ("member", "admin"):
        driver.get(app + "/clients/portal?customer=" + config[f"{role}_email"])
        wait_loaded(driver)
        recorder.shot(f"5-preview-{role}")
        recorder.result[f"preview_{role}"] = preview_observation(driver)
    driver.get(app + "/clients/portal?customer=" + config["member_email"] + "&issue=" + config["member_ref"])
    wait_loaded(driver)
    recorder.shot("6-preview-member-issue")
    recorder.result["preview_member_issue"] = {
        **preview_observation(driver),
        "reply_disabled": driver.find_element(By.ID, "reply-body").get_attribute("disabled") is not None,
        "enabled_post_buttons": driver.execute_script(
            "return Array.from(document.querySelectorAll('form[method=post] button, form[method=post] input[type=submit]'))"
            ".filter(b => !b.disabled).length"),
    }


# -- B: customer ------------------------------------------------------------------------------------

def add_session_cookie(driver, portal_base: str, token: str):
    driver.get(portal_base + "/login")
    wait_loaded(driver)
    driver.add_cookie({"name": "woes_portal_session", "value": token, "path": "/", "secure": True, "httpOnly": True,
                       "sameSite": "Lax"})


def newest_code(mail_dir: str, address: str, after: float) -> str:
    """The code in the newest mail to `address` the SMTP server kept after `after` (waits up to 20 s)."""
    import email
    import email.policy
    import re
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for path in sorted(Path(mail_dir).glob("*.eml"), reverse=True):
            if path.stat().st_mtime < after:
                break
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if address in message.get("X-Sink-Rcpt-To", ""):
                return re.search(r"\b(\d{6})\b", message.get_body(preferencelist=("plain",)).get_content()).group(1)
        time.sleep(0.1)
    raise RuntimeError(f"no sign-in mail to {address}")


def scenario_b(config: dict, recorder: Recorder):
    driver = recorder.driver
    portal = config["portal_base"]
    # Signed out, the portal sends the customer to /login; they sign in with the code from the mail.
    driver.get(portal + "/")
    wait_loaded(driver)
    recorder.shot("0-login")
    recorder.result["login"] = {"url": driver.current_url, "headings": texts(driver, "main h1")}
    asked_at = time.time() - 1
    driver.find_element(By.ID, "email").send_keys(config["email"])
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form.stacked-form button[type=submit]"))
    recorder.shot("0-verify")
    recorder.result["verify"] = {"url": driver.current_url, "headings": texts(driver, "main h1")}
    driver.find_element(By.ID, "code").send_keys(newest_code(config["mail_dir"], config["email"], asked_at))
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form.stacked-form button[type=submit]"))
    recorder.result["signed_in"] = {"url": driver.current_url,
                                    "cookies": [cookie["name"] for cookie in driver.get_cookies()]}
    driver.get(portal + "/")
    wait_loaded(driver)
    recorder.shot("1-list")
    recorder.result["list"] = {"url": driver.current_url, "refs": texts(driver, "td.ref a"),
                               "account": texts(driver, ".account-name"), "brand": texts(driver, ".brand-name")}
    click_and_wait(driver, driver.find_element(By.LINK_TEXT, "New request"))
    recorder.shot("2-new")
    recorder.result["new"] = {"url": driver.current_url, "forms": texts(driver, ".form-choice strong")}
    click_and_wait(driver, driver.find_element(By.PARTIAL_LINK_TEXT, "Report a bug"))
    recorder.shot("3-form")
    recorder.result["form"] = {"url": driver.current_url, "heading": texts(driver, "main h1")}
    driver.find_element(By.ID, "field-title").send_keys(config["summary"])
    driver.find_element(By.ID, "field-description").send_keys("Clicking export shows a spinner forever.")
    Select(driver.find_element(By.ID, "field-cf-environment")).select_by_value("staging")
    driver.find_element(By.ID, "field-cf-affected_users").send_keys("3")
    recorder.shot("4-form-filled")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form.request-form button[type=submit]"))
    recorder.shot("5-created")
    recorder.result["created"] = {"url": driver.current_url, "heading": texts(driver, "#issue-title"),
                                  "status": texts(driver, ".issue-head .status"), "errors": field_errors(driver)}
    driver.find_element(By.ID, "reply-body").send_keys(config["reply"])
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form.reply button[type=submit]"))
    driver.execute_script("const last = document.querySelector('.messages li:last-child');"
                          "if (last) last.scrollIntoView({block: 'center'});")
    recorder.shot("6-replied")
    recorder.result["replied"] = {"url": driver.current_url, "notices": texts(driver, ".notice"),
                                  "messages": text_contents(driver, ".message-body"), "errors": field_errors(driver)}
    driver.get(portal + "/")
    wait_loaded(driver)
    recorder.shot("7-list-after")
    recorder.result["list_after"] = {"refs": texts(driver, "td.ref a")}
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "a.account-name"))
    recorder.shot("8-account")
    recorder.result["account"] = {"url": driver.current_url, "devices": text_contents(driver, "table.sessions tbody td:first-child")}


# -- C: script payloads -----------------------------------------------------------------------------------

def dom_safety(driver) -> dict:
    time.sleep(0.3)  # give an injected <img onerror> the time to fire
    return driver.execute_script("""
        return {
            xss: typeof window.__xss === 'undefined' ? null : String(window.__xss),
            inlineScripts: Array.from(document.scripts).filter(s => !s.src).length,
            imgOnerror: document.querySelectorAll('img[onerror]').length,
            imgX: document.querySelectorAll('img[src="x"]').length,
            handlers: Array.from(document.querySelectorAll('*')).reduce((n, e) =>
                n + Array.from(e.attributes).filter(a => a.name.toLowerCase().startsWith('on')).length, 0),
            brand: Array.from(document.querySelectorAll('.brand-name')).map(e => e.textContent),
            title: document.title,
        };""")


def scenario_c(config: dict, recorder: Recorder):
    driver = recorder.driver
    app, portal, payload = config["app_base"], config["portal_base"], config["payload"]
    sign_in(recorder, config["login_link"], "1-login-link")
    observations = {}
    driver.get(app + "/clients/portal/settings")
    wait_loaded(driver)
    recorder.shot("2-settings")
    observations["settings"] = {**dom_safety(driver), "inputs": driver.execute_script(
        "return ['name', 'hl-0-label', 'fs-1-title', 'status-new', 'task-todo', 'f1-title']"
        ".map(id => document.getElementById(id) ? document.getElementById(id).value : null)")}
    previews = {"preview-list": f"/clients/portal?customer={config['customer_email']}",
                "preview-issue": f"/clients/portal?customer={config['customer_email']}&issue={config['ref']}",
                "preview-form": f"/clients/portal?customer={config['customer_email']}&view=form&form=xss"}
    for number, (name, path) in enumerate(previews.items(), start=3):
        driver.get(app + path)
        wait_loaded(driver)
        recorder.shot(f"{number}-{name}")
        observations[name] = dom_safety(driver)
    add_session_cookie(driver, portal, config["token"])
    for number, (name, path) in enumerate({"portal-list": "/", "portal-issue": f"/issues/{config['ref']}",
                                           "portal-new": "/new", "portal-form": "/new/xss"}.items(), start=6):
        driver.get(portal + path)
        wait_loaded(driver)
        recorder.shot(f"{number}-{name}")
        observations[name] = {**dom_safety(driver),
                              "statuses": text_contents(driver, ".status"),
                              "headerLinks": text_contents(driver, ".header-links a"),
                              "footerTitles": text_contents(driver, ".footer-section h2"),
                              "headings": text_contents(driver, "main h1"),
                              "labels": text_contents(driver, "main label")}
    recorder.result["observations"] = observations
    recorder.result["payload"] = payload


def main():
    config = json.loads(Path(sys.argv[1]).read_text())
    out_dir = Path(config["out_dir"])
    out_dir.mkdir(parents=True, exist_ok=True)
    results = {}
    started = time.monotonic()
    driver = make_driver()
    try:
        for key, scenario in [("A", scenario_a), ("B", scenario_b), ("C", scenario_c)]:
            driver.delete_all_cookies()
            recorder = Recorder(driver, out_dir, key)
            scenario_started = time.monotonic()
            results[key] = recorder.run(lambda r, s=scenario, k=key: s(config[k], r))
            results[key]["seconds"] = round(time.monotonic() - scenario_started, 2)
    finally:
        driver.quit()
    results["seconds"] = round(time.monotonic() - started, 2)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
