"""A person registers, is approved by the admin, logs in, switches to Dutch and logs out."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_fits_a_phone

pytestmark = pytest.mark.browser


def test_register_approve_login_switch_to_dutch_logout(new_page):
    # A visitor applies.
    visitor = new_page()
    visitor.goto("/")
    visitor.get_by_role("link", name="Become a member").first.click()
    expect(visitor.get_by_role("heading", name="Become a member")).to_be_visible()
    assert_accessible(visitor)
    visitor.get_by_label("Full name").fill("Lotte Verbeke")
    visitor.get_by_label("Email").fill("Lotte.Verbeke@example.org")
    visitor.get_by_label("Password", exact=True).fill("lotte's long password")
    visitor.get_by_label("Repeat the password").fill("lotte's long password")
    visitor.get_by_label("Language", exact=True).select_option("en")
    visitor.get_by_label("Member category").select_option(label="A — Users")
    visitor.get_by_label("Office").select_option(label="GNT — Ghent")
    visitor.get_by_role("button", name="Apply for membership").click()
    expect(visitor.get_by_text("An admin will review your application")).to_be_visible()

    # Not yet approved: login is refused with the reason.
    visitor.get_by_label("Email").fill("lotte.verbeke@example.org")
    visitor.get_by_label("Password").fill("lotte's long password")
    visitor.get_by_role("button", name="Log in").click()
    expect(visitor.get_by_text("waiting for an admin's approval")).to_be_visible()

    # The admin approves the application.
    admin = new_page()
    admin.goto("/auth/login")
    assert_accessible(admin)
    admin.get_by_label("Email").fill("admin@example.org")
    admin.get_by_label("Password").fill("demo-password")
    admin.get_by_role("button", name="Log in").click()
    admin.get_by_role("link", name="Members", exact=True).click()
    admin.get_by_label("Status").select_option("applicant")
    admin.get_by_role("button", name="Filter").click()
    admin.get_by_role("link", name="Lotte Verbeke").click()
    assert_accessible(admin)
    admin.get_by_role("button", name="Approve the application").click()
    expect(admin.get_by_text("Application approved.")).to_be_visible()

    # She logs in, switches to Dutch, sees Dutch, and logs out.
    visitor.get_by_label("Password").fill("lotte's long password")
    visitor.get_by_role("button", name="Log in").click()
    expect(visitor.get_by_text("Welcome, Lotte Verbeke.")).to_be_visible()
    visitor.get_by_role("button", name="Nederlands").click()
    expect(visitor.locator("html")).to_have_attribute("lang", "nl")
    expect(visitor.get_by_role("heading", name="Mijn lidmaatschap")).to_be_visible()
    expect(visitor.get_by_role("link", name="Mijn account")).to_be_visible()
    assert_accessible(visitor)
    visitor.get_by_role("button", name="Uitloggen").click()
    expect(visitor.get_by_text("U bent uitgelogd.")).to_be_visible()
    # Her choice is kept on her record: the next login is in Dutch too.
    visitor.goto("/auth/login")
    visitor.get_by_label("E-mail").fill("lotte.verbeke@example.org")
    visitor.get_by_label("Wachtwoord").fill("lotte's long password")
    visitor.get_by_role("button", name="Inloggen").click()
    expect(visitor.get_by_role("heading", name="Mijn lidmaatschap")).to_be_visible()


def test_htmx_filters_the_member_list_without_reloading(new_page):
    page = new_page()
    page.goto("/auth/login")
    page.get_by_label("Email").fill("admin@example.org")
    page.get_by_label("Password").fill("demo-password")
    page.get_by_role("button", name="Log in").click()
    page.goto("/members/")
    page.evaluate("window.__same_page = true")
    page.get_by_label("Name or email").fill("payroll@example")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("Pat Payroll")
    assert page.evaluate("window.__same_page === true"), "htmx swapped the results in place"
    assert re.search(r"q=payroll", page.url)
    assert_accessible(page)


@pytest.mark.parametrize(
    "path",
    ["/", "/auth/login", "/auth/register", "/auth/forgot", "/board/", "/nowhere"],
)
def test_public_pages_are_accessible_and_fit_a_phone(new_page, path):
    page = new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page.goto(path)
    assert_accessible(page)
    assert_fits_a_phone(page)


@pytest.mark.parametrize(
    "path",
    [
        "/members/",
        "/members/colleges",
        "/members/offices",
        "/board/seats",
        "/admin/",
        "/admin/audit",
        "/auth/account",
        "/members/colleges/new",
    ],
)
def test_admin_pages_are_accessible_and_fit_a_phone(new_page, path):
    page = new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page.goto("/auth/login")
    page.get_by_label("Email").fill("admin@example.org")
    page.get_by_label("Password").fill("demo-password")
    page.get_by_role("button", name="Log in").click()
    page.goto(path)
    assert_accessible(page)
    assert_fits_a_phone(page)


def test_keyboard_reaches_the_skip_link_first_and_focus_is_visible(new_page):
    page = new_page()
    page.goto("/auth/login")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
