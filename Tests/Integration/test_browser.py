"""A real browser through nginx (issues 3 and 4, "How it is checked").

Headless Chromium, driven by Selenium from Debian's own Python (see
browser/portal_browser.py): an operator changes the portal's name and colour
and previews it as a member and as an admin; a customer creates an issue
through the "Report a bug" form and replies; script payloads in the settings
stay text in the rendered DOM. Screenshots land in test-output/browser/.

A missing Chromium, chromedriver or python3-selenium fails these tests
(`deploy/install-deps test` installs them); they never skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import APP_HOST, REPO, json_of, portal_host
from portal_support import (SupportData, customer_client, dev_session, form_field, login_link, make_workspace,
                            portal_form, save_settings, unique)

SCRIPT = Path(__file__).parent / "browser" / "portal_browser.py"
SCREENSHOTS = REPO / "test-output" / "browser"
DEBIAN_PYTHON = "/usr/bin/python3"
XSS_PAYLOAD = '"><img src=x onerror=__xss=1><script>__xss=2</script>'  # ≤ 60 characters, like link labels
NEW_NAME = "Browser Renamed Support"
NEW_ACCENT = "#be123c"


def _require_browser_tools():
    missing = [path for path in ["/usr/bin/chromium", "/usr/bin/chromedriver", DEBIAN_PYTHON] if not Path(path).exists()]
    assert not missing, f"missing {missing}: run deploy/install-deps test (chromium chromium-driver python3-selenium)"
    probe = subprocess.run([DEBIAN_PYTHON, "-c", "import selenium"], capture_output=True, text=True, timeout=60)
    assert probe.returncode == 0, f"python3-selenium is not installed for {DEBIAN_PYTHON}: {probe.stderr}"


class Setup:
    pass


@pytest.fixture(scope="module")
def browser_run(stack):
    _require_browser_tools()
    base = f"https://{APP_HOST}:{stack.https_port}"
    setup = Setup()

    # A: a workspace with an owner, a company, an admin and a member customer.
    slug_a, key_a = make_workspace(stack, "browser")
    owner_a = f"{unique('owner')}@ops.test"
    stack.create_operator(slug_a, owner_a, "Bea Browser", "owner")
    data_a = SupportData(stack, key_a)
    save_settings(data_a.api, lambda document: document.update(
        name="Browser Support", accentColor="#4f46e5", issueStatusLabels={"new": "Received"},
        headerLinks=[{"label": "Status", "url": "https://status.browser.example"}]))
    company = data_a.company("Browser Co")
    member = data_a.customer(f"{unique('member')}@browser-co.test", "Max Member", company["id"], "member")
    admin = data_a.customer(f"{unique('admin')}@browser-co.test", "Ada Admin", company["id"], "admin")
    member_issue = data_a.issue(member["id"], "Member's browser issue", "Seen by the member and the admin")
    data_a.message(member_issue["id"], "We are on it.")
    admin_issue = data_a.issue(admin["id"], "Admin's browser issue", "Seen by the admin only")
    setup.a = {"slug": slug_a, "api": data_a.api, "member_ref": member_issue["ref"], "admin_ref": admin_issue["ref"]}

    # B: acme's Bob (member), whose portal offers the seeded "Report a bug" form.
    bob = customer_client(stack, "acme", "bob@initech.test")
    setup.b = {"refs_before": [issue["ref"] for issue in json_of(bob.get("/api/portal/issues?limit=100"))["issues"]],
               "summary": f"Export button spins {unique('b')}", "reply": f"Still spinning today {unique('r')}"}

    # C: a workspace whose every text setting holds a script payload.
    slug_c, key_c = make_workspace(stack, "browser-xss")
    owner_c = f"{unique('owner')}@ops.test"
    stack.create_operator(slug_c, owner_c, "Xena Owner", "owner")
    data_c = SupportData(stack, key_c)
    payload = XSS_PAYLOAD

    def poison(document):
        document.update(
            name=payload, headerLinks=[{"label": payload, "url": "https://docs.example"}],
            footerSections=[{"title": payload, "links": [{"label": payload, "url": "https://example.com"}]}],
            issueStatusLabels={"new": payload[:40]}, taskStatusLabels={"todo": payload[:40]},
            forms=[portal_form("xss", payload, [form_field("title", payload, "text", True)], description=payload)])

    save_settings(data_c.api, poison)
    company_c = data_c.company("Payload Co")
    customer_c = data_c.customer(f"{unique('cust')}@payload.test", "Pat Payload", company_c["id"], "member")
    issue_c = data_c.issue(customer_c["id"], "Plain issue", "Plain", status="new")
    data_c.task(issue_c["id"], "Plain task", "todo")
    setup.c = {"payload": payload, "ref": issue_c["ref"]}

    config = {
        "A": {"app_base": base, "login_link": login_link(stack, slug_a, owner_a), "new_name": NEW_NAME,
              "new_accent": NEW_ACCENT, "member_email": member["email"], "admin_email": admin["email"],
              "member_ref": member_issue["ref"]},
        "B": {"portal_base": f"https://{portal_host('acme')}:{stack.https_port}",
              "email": "bob@initech.test", "mail_dir": str(stack.mail_dir), "summary": setup.b["summary"],
              "reply": setup.b["reply"]},
        "C": {"app_base": base, "portal_base": f"https://{portal_host(slug_c)}:{stack.https_port}",
              "login_link": login_link(stack, slug_c, owner_c), "token": dev_session(stack, slug_c, customer_c["email"]),
              "customer_email": customer_c["email"], "ref": issue_c["ref"], "payload": payload},
        "out_dir": str(SCREENSHOTS),
    }
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True)
    config_path = stack.root / "browser-config.json"
    config_path.write_text(json.dumps(config))
    env = {name: value for name, value in os.environ.items() if "proxy" not in name.lower()}
    started = time.monotonic()
    result = subprocess.run([DEBIAN_PYTHON, str(SCRIPT), str(config_path)], capture_output=True, text=True, timeout=120,
                            env=env)
    (SCREENSHOTS / "browser-run.log").write_text(f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}")
    assert result.returncode == 0, f"the browser script failed:\n{result.stderr[-4000:]}"
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    setup.results = json.loads(lines[-1])
    setup.seconds = time.monotonic() - started
    (SCREENSHOTS / "results.json").write_text(json.dumps(setup.results, indent=2))
    setup.bob = bob
    setup.https_port = stack.https_port
    yield setup
    bob.close()
    data_a.close()
    data_c.close()


def scenario(run, key: str) -> dict:
    result = run.results[key]
    assert not result["errors"], f"scenario {key} stopped:\n" + "\n".join(result["errors"])
    return result


# -- A: the operator ---------------------------------------------------------------------------------

def test_the_operator_signs_in_through_the_login_link_in_a_browser(browser_run):
    result = scenario(browser_run, "A")
    assert result["settings_before"] == {"name": "Browser Support", "accent": "#4f46e5"}
    landing = result["after_sign_in"]
    assert "not found" not in landing["title"].lower(), f"after signing in the browser shows {landing}"


def test_the_operator_changes_name_and_colour_and_saves_in_a_browser(browser_run):
    result = scenario(browser_run, "A")
    assert result["save_button_found"]
    saved = result["after_save"]
    assert saved["errors"] == [], f"the settings page refused an unchanged form with a new name and colour: {saved}"
    assert saved["url"].endswith("/clients/portal/settings?saved=1"), saved
    assert "Settings saved." in saved["notices"]
    assert (saved["name"], saved["accent"]) == (NEW_NAME, NEW_ACCENT)
    document = json_of(browser_run.a["api"].get("/api/account/client-portal/settings"))
    assert (document["name"], document["accentColor"]) == (NEW_NAME, NEW_ACCENT)
    # The preview opened afterwards shows the saved branding.
    for role in ("member", "admin"):
        preview = result[f"preview_{role}"]
        assert (preview["brand"], preview["accent"]) == ([NEW_NAME], NEW_ACCENT), role


@pytest.mark.parametrize("role", ["member", "admin"])
def test_the_operator_previews_as_a_customer_in_a_browser(browser_run, role):
    result = scenario(browser_run, "A")
    preview = result[f"preview_{role}"]
    assert preview["banner"].startswith("Preview — viewing as"), preview
    assert ("Max Member" if role == "member" else "Ada Admin") in preview["banner"]
    assert ("member: their own issues" if role == "member" else "admin: all issues of their company") in preview["banner"]
    expected = {browser_run.a["member_ref"]} | ({browser_run.a["admin_ref"]} if role == "admin" else set())
    assert set(preview["refs"]) == expected
    assert len(preview["brand"]) == 1 and preview["accent"].startswith("#")


def test_the_preview_of_an_issue_is_read_only_in_a_browser(browser_run):
    preview = scenario(browser_run, "A")["preview_member_issue"]
    assert preview["reply_disabled"] is True
    assert preview["enabled_post_buttons"] == 0


# -- B: the customer ----------------------------------------------------------------------------------------

def test_the_customer_signs_in_with_the_code_from_the_mail_in_a_browser(browser_run):
    result = scenario(browser_run, "B")
    assert "/login?next=" in result["login"]["url"] and result["login"]["headings"] == ["Sign in to Acme Support"]
    assert "/login/verify?email=" in result["verify"]["url"] and result["verify"]["headings"] == ["Check your email"]
    assert result["signed_in"]["url"].endswith(".localhost:%d/" % browser_run.https_port)
    assert "woes_portal_session" in result["signed_in"]["cookies"]
    assert any("This device" in device and "Chrom" in device for device in result["account"]["devices"]), result["account"]


def test_the_customer_sees_the_list_after_signing_in(browser_run):
    result = scenario(browser_run, "B")
    assert result["list"]["account"] == ["Bob Member"]
    assert result["list"]["brand"] == ["Acme Support"]
    assert result["list"]["refs"][:len(browser_run.b["refs_before"])] == browser_run.b["refs_before"][:len(result["list"]["refs"])]
    assert "Report a bug" in result["new"]["forms"]
    assert result["form"]["heading"] == ["Report a bug"]


def test_the_customer_creates_an_issue_through_the_bug_form_in_a_browser(browser_run):
    result = scenario(browser_run, "B")
    created = result["created"]
    assert created["errors"] == []
    assert "/issues/ISS-" in created["url"], created
    assert created["heading"] == [browser_run.b["summary"]]
    assert created["status"] == ["Received"]
    ref = created["url"].rsplit("/", 1)[1].split("?")[0]
    assert ref in result["list_after"]["refs"] and ref not in browser_run.b["refs_before"]
    issue = json_of(browser_run.bob.get(f"/api/portal/issues/{ref}"))
    assert issue["title"] == browser_run.b["summary"]


def test_the_customer_replies_in_a_browser(browser_run):
    replied = scenario(browser_run, "B")["replied"]
    assert replied["errors"] == []
    assert "sent=1" in replied["url"]
    assert "Your reply was sent." in replied["notices"]
    assert replied["messages"][-1].strip() == browser_run.b["reply"]


# -- C: payloads in the DOM ----------------------------------------------------------------------------------

def test_script_payloads_in_the_settings_stay_text_in_the_rendered_dom(browser_run):
    result = scenario(browser_run, "C")
    payload = result["payload"]
    observations = result["observations"]
    assert set(observations) == {"settings", "preview-list", "preview-issue", "preview-form", "portal-list",
                                 "portal-issue", "portal-new", "portal-form"}
    for page, seen in observations.items():
        assert seen["xss"] is None, f"{page}: window.__xss was set to {seen['xss']}"
        assert seen["inlineScripts"] == 0, page
        assert seen["imgOnerror"] == 0 and seen["imgX"] == 0, page
        assert seen["handlers"] == 0, f"{page}: {seen['handlers']} event-handler attributes"
        if page != "settings":
            assert seen["brand"] == [payload], f"{page}: {seen['brand']}"
            assert payload in seen["title"]
    assert observations["settings"]["inputs"] == [payload, payload, payload, payload[:40], payload[:40], payload]
    portal_list = observations["portal-list"]
    assert portal_list["headerLinks"] == [payload]
    assert portal_list["footerTitles"] == [payload]
    assert payload[:40] in portal_list["statuses"]
    assert payload[:40] in observations["portal-issue"]["statuses"]
    assert observations["portal-form"]["headings"] == [payload]
    assert any(label.strip().startswith(payload) for label in observations["portal-form"]["labels"])


# -- screenshots and time ------------------------------------------------------------------------------------

def test_every_page_was_screenshotted(browser_run):
    names = {key: [Path(path).name for path in browser_run.results[key]["screenshots"]] for key in "ABC"}
    assert {"A-2-settings.png", "A-4-settings-saved.png", "A-5-preview-member.png", "A-5-preview-admin.png"} <= set(names["A"])
    assert {"B-1-list.png", "B-3-form.png", "B-5-created.png", "B-6-replied.png"} <= set(names["B"])
    assert {"C-2-settings.png", "C-6-portal-list.png"} <= set(names["C"])
    for key in "ABC":
        for path in browser_run.results[key]["screenshots"]:
            data = Path(path).read_bytes()
            assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000, path


def test_the_browser_run_stays_under_a_minute(browser_run):
    assert browser_run.seconds < 60, f"the browser part took {browser_run.seconds:.1f} s"
