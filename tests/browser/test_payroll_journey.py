"""A member declares a contract, the payroll officer validates it, the member invoices it,
asks for a salary and sees its guaranteed payment date, the officer records half the
client's payment; the pages pass axe and fit a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_fits_a_phone
from tests.browser.test_cycle_journey import log_in

pytestmark = pytest.mark.browser


def test_declare_validate_invoice_and_ask_for_a_salary(new_page, live_server):
    urls = []
    member = new_page()
    log_in(member, "member@example.org")
    member.get_by_role("link", name="My pay").click()
    member.get_by_text("Create an activity").click()
    member.get_by_label("Name of the activity").fill("Illustration")
    member.get_by_role("button", name="Create the activity").click()
    expect(member.get_by_text("The activity is created.")).to_be_visible()
    member.goto("/payroll/clients")
    member.get_by_label("Client's name").fill("Maison d'édition Test")
    member.get_by_label("VAT number (for a business), e.g. BE0403170701").fill("BE0403170702")
    member.get_by_role("button", name="Add the client").click()
    expect(member.get_by_text("This is not a valid EU VAT number")).to_be_visible()
    member.get_by_label("VAT number (for a business), e.g. BE0403170701").fill("BE0403170701")
    member.get_by_role("button", name="Add the client").click()
    expect(member.get_by_text("The client is added.")).to_be_visible()
    urls.append(member.url)
    assert_accessible(member)

    member.goto("/payroll/contracts/new")
    member.get_by_label("Activity").select_option(label="Illustration")
    member.get_by_label("Client", exact=True).select_option(label="Maison d'édition Test")
    member.get_by_label("Work starts on").fill("2026-04-20")
    member.get_by_label("Work ends on").fill("2026-04-30")
    member.get_by_label("Days worked").fill("6")
    member.get_by_label("What the work is").fill("Illustrations for a children's book")
    member.get_by_label("Agreed amount excluding VAT (euros)").fill("1000.00")
    member.get_by_role("button", name="Declare the contract").click()
    expect(member.get_by_text("a payroll officer will check it")).to_be_visible()
    contract_url = member.url
    urls.append(contract_url)
    assert_accessible(member)

    officer = new_page()
    log_in(officer, "payroll@example.org")
    officer.goto("/payroll/office")
    officer.get_by_role("link", name=re.compile("Marie Member — Maison")).click()
    officer.get_by_role("button", name="Validate the contract").click()
    expect(officer.get_by_text("The contract is validated")).to_be_visible()

    member.goto(contract_url)
    member.get_by_role("button", name="Invoice this contract").click()
    expect(member.get_by_role("button", name="Save the draft")).to_be_visible()
    assert_accessible(member)
    member.get_by_role("button", name="Save the draft").click()
    expect(member.locator("#total")).to_have_text("1,210.00")
    member.get_by_role("button", name=re.compile("Issue the invoice")).click()
    expect(member.get_by_text(re.compile(r"Invoice 2026-\d{4} is issued"))).to_be_visible()
    invoice_url = member.url
    urls.append(invoice_url)
    assert_accessible(member)

    member.goto("/payroll/salaries/new")
    member.get_by_label("Activity").select_option(label="Illustration")
    member.get_by_label("Budget to turn into salary (euros)").fill("935.00")
    member.get_by_label("The work began on").fill("2026-04-20")
    member.get_by_label("The work ended on").fill("2026-04-30")
    member.get_by_role("button", name="See the breakdown and the payment date").click()
    expect(member.locator("#net")).to_have_text("585.22")
    expect(member.get_by_text("Tuesday, May 12, 2026")).to_be_visible()
    assert_accessible(member)
    member.get_by_role("button", name="Confirm and ask for this salary").click()
    expect(
        member.get_by_role("heading", name=re.compile("Payslip of Marie Member"))
    ).to_be_visible()
    expect(member.get_by_text("Tuesday, May 12, 2026")).to_be_visible()
    salary_url = member.url
    urls.append(salary_url)
    assert_accessible(member)

    # The officer validates the salary and records its payment; the member is told.
    officer.goto(salary_url)
    officer.get_by_role("button", name="Validate the salary").click()
    expect(officer.get_by_text("The salary is validated")).to_be_visible()
    assert_accessible(officer)
    # Paid today, the day it is validated: later than the guaranteed 12 May.
    officer.get_by_role("button", name="The salary is paid").click()
    expect(officer.get_by_text("The salary is recorded as paid.")).to_be_visible()
    expect(officer.locator(".badge-late")).to_have_text("Late")
    member.goto("/notifications/")
    expect(
        member.get_by_text("Your salary from “Illustration” is paid: 585.22 euros net.")
    ).to_be_visible()

    # The client pays half of the invoice: the officer records it, the rest is still due.
    officer.goto(invoice_url)
    officer.get_by_text("Record the client's payment").click()
    expect(officer.get_by_label("Amount received (euros, VAT included)")).to_have_value("1210.00")
    officer.get_by_label("Amount received (euros, VAT included)").fill("605.00")
    officer.get_by_role("button", name="Record the payment").click()
    expect(officer.get_by_text("605.00 euros are left to pay.")).to_be_visible()
    expect(officer.locator("#left-to-pay")).to_have_text("Left to pay: 605.00 euros.")
    assert_accessible(officer)
    member.goto(contract_url)
    expect(member.get_by_text("Partly paid")).to_be_visible()

    # The rates: the officer schedules new ones from a later day.
    officer.goto("/payroll/office")
    officer.get_by_role("link", name="Payroll rates").click()
    assert_accessible(officer)
    officer.get_by_label("In force from").fill("2030-01-01")
    officer.get_by_label("Smart's contribution (%)").fill("7")
    officer.get_by_role("button", name="Schedule the new rates").click()
    expect(officer.get_by_text(re.compile("The new rates apply from"))).to_be_visible()
    expect(officer.locator("#rates")).to_contain_text("Scheduled")
    urls.append(officer.url)

    phone = new_page(viewport={"width": 375, "height": 740}, is_mobile=True)
    log_in(phone, "member@example.org")
    for url in urls[:-1]:
        phone.goto(url)
        assert_fits_a_phone(phone)
    officer_phone = new_page(viewport={"width": 375, "height": 740}, is_mobile=True)
    log_in(officer_phone, "payroll@example.org")
    officer_phone.goto(urls[-1])
    assert_fits_a_phone(officer_phone)


def test_the_officer_validates_salaries_in_bulk_after_confirming(new_page, live_server):
    officer = new_page()
    log_in(officer, "payroll@example.org")
    officer.goto("/payroll/office")
    officer.get_by_role("link", name="Validate many salaries at once").click()
    expect(officer.get_by_role("heading", name="Salaries to validate")).to_be_visible()
    assert_accessible(officer)
    boxes = officer.locator("#queue input[type=checkbox]")
    waiting = boxes.count()
    assert waiting >= 1
    boxes.first.check()
    officer.get_by_role("button", name="Validate the ticked salaries").click()
    expect(officer.get_by_text("You are about to validate 1 salary")).to_be_visible()
    assert_accessible(officer)
    officer.get_by_role("button", name="Validate 1 salary").click()
    expect(officer.get_by_text(re.compile(r"^1 salary validated"))).to_be_visible()
    assert_accessible(officer)
    officer.get_by_role("link", name="Back to the salaries to validate").click()
    expect(officer.locator("#queue input[type=checkbox]")).to_have_count(waiting - 1)

    phone = new_page(viewport={"width": 390, "height": 800}, is_mobile=True)
    log_in(phone, "payroll@example.org")
    phone.goto("/payroll/office/salaries")
    assert_fits_a_phone(phone)
