"""Demo data for the payroll module, made through its services (so every rule and audit
entry holds) and then dated over the last months.

``member@example.org`` has two activities, four clients, contracts in every state, invoices
issued, paid, in draft and cancelled by a credit note, expenses accepted, refused and
waiting, and payslips paid, validated, asked and refused. Six other members invoice and
are paid so that the guarantee fund shows salaries due, unpaid and overdue invoices, and
salaries paid ahead of their clients.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from sip.db import local_today
from sip.extensions import db
from sip.members.models import Member, MemberStatus
from sip.payroll import services
from sip.payroll.models import Activity, Expense, Invoice, Movement, Salary

#: A tiny valid PDF, the demo's receipts.
RECEIPT = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

#: (name, address, VAT number) of other members' clients.
OTHER_CLIENTS = [
    ("Centre culturel de Namur", "Rue du Pont 12, 5000 Namur", "BE0722527858"),
    ("Kunstencentrum Gent", "Kouter 3, 9000 Gent", "BE0414282842"),
    ("Festival des Arts", "Place Royale 1, 1000 Bruxelles", "BE0822256033"),
    ("Studio Noord BV", "Prinsengracht 10, Amsterdam", "NL809032466B01"),
    ("Musée de la Photographie", "Avenue Paul Pastur 11, 6032 Charleroi", "BE0500761312"),
    ("Lichtwerk vzw", "Bondgenotenlaan 5, 3000 Leuven", "BE0867056769"),
]
OTHER_WORK = [
    ("Sound engineering", "Sound for three concerts", "2400.00"),
    ("Translation", "Translation of an exhibition catalogue", "1800.00"),
    ("Stage design", "Set for a touring play", "3600.00"),
    ("Illustration", "Illustrations for a children's book", "2100.00"),
    ("Video editing", "A documentary's edit", "2900.00"),
    ("Workshops", "Ten drawing workshops", "1500.00"),
]


def load(named: dict[str, Member], generated: list[Member]) -> dict[str, int]:
    created = {"payroll activities": 0}
    member = named["member@example.org"]
    if db.session.scalar(sa.select(Activity.id).where(Activity.member_id == member.id)):
        return created
    officer = named["payroll@example.org"]
    today = local_today()

    def ago(days: int) -> date:
        # Within this year: invoice numbers are yearly, and follow their dates.
        return max(today - timedelta(days=days), date(today.year, 1, 1))

    _indexation(officer, today)
    made = _marie(member, officer, ago)
    others = [m for m in generated if m.status == MemberStatus.ACTIVE and m.college.code == "A"]
    for n, (someone, client, work) in enumerate(
        zip(others[:6], OTHER_CLIENTS, OTHER_WORK, strict=True)
    ):
        made += _other(someone, officer, client, work, n, ago)
    db.session.flush()
    created["payroll activities"] = made
    return created


def _indexation(officer, today: date) -> None:
    """Next year's rates, scheduled: the withholding brackets indexed by 2 %."""
    current = services.schedule().on(today)
    services.set_rates(
        officer,
        valid_from=date(today.year + 1, 1, 1),
        contribution=current.contribution,
        employer_ssc=current.employer_ssc,
        employee_ssc=current.employee_ssc,
        vat_rates=current.vat_rates,
        withholding=[
            (None if b.up_to is None else (b.up_to * Decimal("1.02")).quantize(Decimal(1)), b.rate)
            for b in current.withholding
        ],
        guarantee_days=current.guarantee_days,
    )


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


def _dated(row, day: date) -> None:
    """Date a decision, and the budget movements it made, on ``day``."""
    if hasattr(row, "decided_at"):
        row.decided_at = _at(day)
    column = {
        Invoice: Movement.invoice_id,
        Expense: Movement.expense_id,
        Salary: Movement.salary_id,
    }
    db.session.flush()
    db.session.execute(
        sa.update(Movement).where(column[type(row)] == row.id).values(occurred_on=day)
    )


def _issue(member, contract, lines, day: date, *, due_in: int = 30, reverse_charge=False):
    invoice = services.create_invoice(member, contract, lines=lines, reverse_charge=reverse_charge)
    services.issue_invoice(member, invoice, due_in_days=due_in)
    invoice.issued_on, invoice.due_on = day, day + timedelta(days=due_in)
    _dated(invoice, day)
    return invoice


def _line(description: str, quantity: str, price: str, rate: str = "0.21") -> dict:
    return {"description": description, "quantity": quantity, "unit_price": price, "vat_rate": rate}


def _salary(member, officer, activity, budget: str, start: date, end: date, decided: date):
    salary = services.request_salary(
        member, activity=activity, budget=budget, work_starts_on=start, work_ends_on=end
    )
    salary.created_at = _at(end)
    services.validate_salary(officer, salary)
    _dated(salary, decided)
    return salary


def _marie(member, officer, ago) -> int:
    design = services.create_activity(
        member,
        name="Graphisme et illustration",
        description="Affiches, identités visuelles et illustrations pour le secteur culturel.",
    )
    photo = services.create_activity(
        member,
        name="Ateliers de photographie",
        description="Ateliers d'initiation à la photographie argentique, pour tous les âges.",
    )
    theatre = services.create_client(
        member,
        name="Théâtre de Liège",
        address="Place du 20-Août 16, 4000 Liège",
        vat_number="BE0779188726",
    )
    studio = services.create_client(
        member,
        name="Studio Noord BV",
        address="Prinsengracht 10, 1015 Amsterdam",
        vat_number="NL004495445B01",
    )
    school = services.create_client(
        member,
        name="Maison des jeunes de Seraing",
        address="Rue de la Station 2, 4100 Seraing",
        vat_number="BE0403170701",
    )
    private = services.create_client(member, name="Jeanne Dupont", address="Rue Haute 8, Liège")

    def declare(activity, client, start, end, days, description, amount):
        return services.declare_contract(
            member,
            activity=activity,
            client=client,
            starts_on=start,
            ends_on=end,
            days_worked=min(days, (end - start).days + 1),
            description=description,
            amount=amount,
        )

    # Paid: a season's posters for the theatre.
    posters = declare(
        design, theatre, ago(95), ago(75), 12, "Affiches de la saison 2026-2027", "3200.00"
    )
    services.validate_contract(officer, posters)
    paid = _issue(
        member,
        posters,
        [
            _line("Affiches de la saison (conception)", "1", "2400.00"),
            _line("Déclinaisons pour le programme", "4", "200.00"),
        ],
        ago(74),
    )
    services.record_payment(officer, paid, paid_on=ago(50))
    season = _salary(member, officer, design, "2200.00", ago(95), ago(75), ago(73))
    services.mark_salary_paid(officer, season, paid_on=min(season.pay_by, ago(0)))

    # Reverse-charged to a Dutch studio, issued and paid half so far.
    identity = declare(
        design, studio, ago(60), ago(45), 8, "Identité visuelle d'un studio", "2600.00"
    )
    services.validate_contract(officer, identity)
    half = _issue(
        member,
        identity,
        [_line("Identité visuelle: logo, charte, papeterie", "1", "2600.00", "0")],
        ago(44),
        reverse_charge=True,
    )
    services.record_payment(officer, half, paid_on=ago(14), amount="1300.00")

    # Cancelled by a credit note (the wrong amount), then invoiced again and paid.
    workshops = declare(
        photo, school, ago(70), ago(40), 6, "Six ateliers de photographie argentique", "900.00"
    )
    services.validate_contract(officer, workshops)
    wrong = _issue(
        member, workshops, [_line("Ateliers (6 × 140 €)", "6", "140.00", "0.06")], ago(39)
    )
    note = services.cancel_invoice(
        member, wrong, reason="Mauvais tarif : 150 € par atelier, pas 140 €."
    )
    note.issued_on = note.due_on = ago(38)
    _dated(note, ago(38))
    right = _issue(
        member, workshops, [_line("Ateliers (6 × 150 €)", "6", "150.00", "0.06")], ago(38)
    )
    services.record_payment(officer, right, paid_on=ago(20))

    # A private portrait session, invoiced and drafted again for prints.
    portraits = declare(
        photo, private, ago(30), ago(30), 1, "Séance de portraits de famille", "350.00"
    )
    services.validate_contract(officer, portraits)
    _issue(member, portraits, [_line("Séance de portraits", "1", "350.00")], ago(28))
    services.create_invoice(
        member, portraits, lines=[_line("Tirages sur papier baryté", "5", "12.00")]
    )

    # Returned with a reason, and one waiting for a payroll officer.
    returned = declare(design, theatre, ago(20), ago(15), 3, "Flyers du festival", "450.00")
    services.return_contract(
        officer,
        returned,
        "La période de travail et le nombre de jours ne correspondent pas: précisez les dates.",
    )
    declare(
        design, theatre, ago(10), ago(2), 4, "Programme illustré du festival d'hiver", "1400.00"
    )

    # Expenses: accepted, refused, waiting.
    def expense(activity, days, description, category, amount, vat, name):
        return services.submit_expense(
            member,
            activity=activity,
            spent_on=ago(days),
            description=description,
            category=category,
            amount=amount,
            vat=vat,
            receipt=RECEIPT,
            receipt_name=name,
        )

    films = expense(
        photo,
        65,
        "Pellicules et produits de développement",
        "supplies",
        "86.40",
        "15.00",
        "pellicules.pdf",
    )
    services.accept_expense(officer, films)
    _dated(films, ago(60))
    train = expense(
        design, 80, "Train Liège–Bruxelles (réunion client)", "travel", "34.60", "0", "train.pdf"
    )
    services.accept_expense(officer, train)
    _dated(train, ago(72))
    dinner = expense(design, 42, "Repas d'équipe", "meals", "120.00", "20.83", "restaurant.pdf")
    services.refuse_expense(
        officer, dinner, "Un repas d'équipe n'est pas une dépense de l'activité."
    )
    expense(photo, 5, "Lampe de studio", "equipment", "149.00", "25.86", "lampe.pdf")

    # Payslips: validated and due, asked, refused.
    _salary(member, officer, photo, "600.00", ago(14), ago(4), ago(1))
    services.request_salary(
        member,
        activity=design,
        budget="300.00",
        work_starts_on=ago(60),
        work_ends_on=ago(45),
    )
    refused = services.request_salary(
        member, activity=photo, budget="100.00", work_starts_on=ago(30), work_ends_on=ago(30)
    )
    services.refuse_salary(officer, refused, "Attendez le paiement de la facture des tirages.")
    return 2


def _other(member, officer, client_row, work, n: int, ago) -> int:
    """An activity with one contract invoiced: paid or not, overdue or not; a salary paid
    ahead of the client for some, due for others."""
    name, address, vat_number = client_row
    activity_name, description, amount = work
    activity = services.create_activity(member, name=activity_name)
    client = services.create_client(member, name=name, address=address, vat_number=vat_number)
    start, end = ago(90 - 10 * n), ago(70 - 10 * n)
    contract = services.declare_contract(
        member,
        activity=activity,
        client=client,
        starts_on=start,
        ends_on=end,
        days_worked=min(8, (end - start).days + 1),
        description=description,
        amount=amount,
    )
    services.validate_contract(officer, contract)
    reverse = vat_number[:2] != "BE"
    invoice = _issue(
        member,
        contract,
        [_line(description, "1", amount, "0" if reverse else "0.21")],
        ago(68 - 10 * n),
        reverse_charge=reverse,
    )
    if n % 3 == 0:
        services.record_payment(officer, invoice, paid_on=ago(40 - 5 * n))
    budget = services.available(activity)
    if n % 2 == 0:
        # Paid on its guaranteed date, whether the client had paid or not.
        salary = _salary(
            member,
            officer,
            activity,
            f"{budget * 9 / 10:.2f}",
            ago(90 - 10 * n),
            ago(70 - 10 * n),
            ago(66 - 10 * n),
        )
        services.mark_salary_paid(officer, salary, paid_on=min(salary.pay_by, ago(0)))
    else:
        # Validated yesterday for work that ended in the last days: due soon.
        _salary(member, officer, activity, f"{budget * 9 / 10:.2f}", ago(20), ago(2 + n), ago(1))
    return 1
