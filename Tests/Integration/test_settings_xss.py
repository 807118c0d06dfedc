"""Script payloads in every text setting (issue 3, "Bad input"): stored exactly
as typed, shown escaped — never as markup — on the settings page, in the
preview and on every portal page; and the accent colour can only ever put a
`#rrggbb` into the page's CSS."""

from __future__ import annotations

import re

import pytest

from conftest import json_of
from portal_support import (SupportData, assert_html, customer_client, form_field, get_settings, make_workspace,
                            operator_login, parse_html, portal_form, save_settings, unique)

PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
STYLE = re.compile(r":root \{ --accent: #[0-9a-f]{6}; --accent-text: #[0-9a-f]{6}; \}")


def apply_payload(document: dict, payload: str) -> None:
    document.update(
        name=payload,
        headerLinks=[{"label": payload, "url": "https://docs.example/help"}],
        footerSections=[{"title": payload, "links": [{"label": payload, "url": "https://example.com/privacy"}]}],
        issueStatusLabels={"new": payload, "open": payload + " (open)"},
        taskStatusLabels={"todo": payload},
        forms=[portal_form("xss", payload, [form_field("title", payload, "text", True),
                                            form_field("description", payload + " details", "textarea")],
                           description=payload)],
    )


class Site:
    pass


@pytest.fixture(scope="module", params=PAYLOADS, ids=["script-tag", "attribute-break-out"])
def site(request, stack):
    payload = request.param
    result = Site()
    result.payload = payload
    result.slug, key = make_workspace(stack, "xss")
    result.operator_email = f"{unique('owner')}@ops.test"
    stack.create_operator(result.slug, result.operator_email, "Xavier Owner", "owner")
    data = SupportData(stack, key)
    result.api = data.api
    save_settings(data.api, lambda document: apply_payload(document, payload))
    company = data.company("Script Co")
    result.customer = data.customer(f"{unique('member')}@script.test", "Sam Script", company["id"], "member")
    result.issue = data.issue(result.customer["id"], "An ordinary issue", "Nothing special", status="new")
    data.task(result.issue["id"], "An ordinary task", "todo")
    yield result
    data.close()


def assert_no_markup_injected(page, where: str):
    inline_scripts = [element for element in page.elements if element[0] == "script" and not element[1].get("src")]
    assert not inline_scripts, f"{where}: an inline <script> element: {inline_scripts}"
    handlers = [(element[0], name) for element in page.elements for name in element[1] if name.lower().startswith("on")]
    assert not handlers, f"{where}: event-handler attributes: {handlers}"
    assert not [element for element in page.elements if element[0] == "img" and element[1].get("src") == "x"], where
    for style in [element[2] for element in page.elements if element[0] == "style"]:
        assert STYLE.fullmatch(style.strip()), f"{where}: unexpected CSS {style!r}"


def assert_escaped(response, payload: str, where: str):
    page = assert_html(response)
    assert payload not in page.source, f"{where}: the payload appears unescaped"
    assert_no_markup_injected(page, where)
    attribute_values = [value for element in page.elements for value in element[1].values()]
    assert payload in page.text or any(payload in value for value in attribute_values), \
        f"{where}: the payload is not shown at all"
    return page


def test_payloads_are_stored_exactly_as_typed(site):
    document, _ = get_settings(site.api)
    expected = {}
    apply_payload(expected, site.payload)
    for key, value in expected.items():
        if key == "forms":
            form = document["forms"][0]
            assert (form["title"], form["description"], form["fields"][0]["label"]) == (site.payload,) * 3
        else:
            assert document[key] == value, key


def test_the_public_portal_config_returns_the_payloads_as_data(stack, site):
    config = json_of(customer_client(stack, site.slug).get("/api/portal/config"))
    assert config["name"] == site.payload
    assert config["headerLinks"][0]["label"] == site.payload
    assert config["footerSections"][0]["title"] == site.payload


def test_the_settings_page_shows_the_payloads_escaped_in_their_inputs(stack, site):
    operator = operator_login(stack, site.slug, site.operator_email)
    page = assert_escaped(operator.client.get("/clients/portal/settings"), site.payload, "settings page")
    form = page.form(action="/clients/portal/settings")
    for name in ["name", "headerLinks[0].label", "footerSections[0].title", "footerSections[0].links[0].label",
                 "issueStatusLabels[new]", "taskStatusLabels[todo]", "forms[0].title", "forms[0].description",
                 "forms[0].fields[0].label"]:
        assert form.value(name) == site.payload, name


def test_portal_pages_show_the_payloads_as_text(stack, site):
    client = customer_client(stack, site.slug, site.customer["email"])
    ref = site.issue["ref"]
    pages = {path: assert_escaped(client.get(path), site.payload, path)
             for path in ["/", f"/issues/{ref}", "/new", "/new/xss", "/login"]}
    for path, page in pages.items():
        assert page.texts_of_class("brand-name") == [site.payload], path
        assert site.payload in next(element[2] for element in page.elements if element[0] == "title"), path
        anchors = [(element[1].get("href"), element[2]) for element in page.elements if element[0] == "a"]
        assert ("https://docs.example/help", site.payload) in anchors, path
        assert ("https://example.com/privacy", site.payload) in anchors, path
    # Status labels in the list, the filter and the detail; the task label; the form.
    assert site.payload in pages["/"].texts_of_class("status")
    assert site.payload in [value for value, _ in pages["/"].form(method="get").control("status").options]
    assert site.payload in pages[f"/issues/{ref}"].texts_of_class("status")
    assert any(site.payload in text for text in pages["/new"].texts_of_class("form-choice"))
    form_page = pages["/new/xss"]
    assert [element[2] for element in form_page.elements if element[0] == "h1"] == [site.payload]
    labels = [element[2] for element in form_page.elements if element[0] == "label"]
    assert any(label.startswith(site.payload) for label in labels)


def test_the_preview_shows_the_payloads_as_text(stack, site):
    operator = operator_login(stack, site.slug, site.operator_email)
    email = site.customer["email"]
    ref = site.issue["ref"]
    for path in [f"/clients/portal?customer={email}", f"/clients/portal?customer={email}&issue={ref}",
                 f"/clients/portal?customer={email}&view=new", f"/clients/portal?customer={email}&view=form&form=xss"]:
        page = assert_escaped(operator.client.get(path), site.payload, path)
        assert page.texts_of_class("brand-name") == [site.payload], path


def test_an_unsaved_draft_preview_shows_a_new_payload_as_text(stack, site):
    operator = operator_login(stack, site.slug, site.operator_email)
    settings = parse_html(operator.client.get("/clients/portal/settings").text).form(action="/clients/portal/settings")
    draft = "Draft <b>bold</b> & <i onmouseover=alert(2)>"
    response = operator.client.post("/clients/portal?draft=1", data=settings.pairs({"name": draft,
                                                                                      "customer": site.customer["email"]}))
    page = assert_html(response)
    assert draft not in page.source
    assert_no_markup_injected(page, "draft preview")
    assert not [element for element in page.elements if element[0] in ("b", "i")]
    # The draft is shown (when the rest of the form is valid) or the saved name with the reason why not.
    brand = page.texts_of_class("brand-name")
    assert brand in ([draft], [site.payload]), brand
    assert get_settings(site.api)[0]["name"] == site.payload


@pytest.mark.parametrize("colour", ["red;}body{display:none", '#fff" onload=alert(1)', "#000000;}", "</style><script>"])
def test_the_accent_colour_cannot_inject_css(stack, site, colour):
    document, response = get_settings(site.api)
    document["accentColor"] = colour
    refused = site.api.put("/api/account/client-portal/settings", json={k: v for k, v in document.items()
                                                                         if k not in ("object", "version", "updatedAt")},
                           headers={"If-Match": response.headers["ETag"]})
    assert refused.status_code == 422
    assert {entry["field"] for entry in json_of(refused)["fields"]} == {"accentColor"}
    page = parse_html(customer_client(stack, site.slug, site.customer["email"]).get("/").text)
    styles = [element[2] for element in page.elements if element[0] == "style"]
    assert len(styles) == 1 and STYLE.fullmatch(styles[0].strip()), styles
