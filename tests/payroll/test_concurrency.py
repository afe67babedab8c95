"""Invoices issued at the same moment on a committed database (PostgreSQL under CI's second
run, SQLite in the first): numbers follow without a gap and none is given twice, also when
one of the issues fails and rolls back. A draft issued twice, an invoice cancelled twice or
paid twice at once counts once."""

import threading
from decimal import Decimal

import sqlalchemy as sa

from sip.db import local_today
from sip.extensions import db
from sip.members.models import Member, Role, RoleGrant
from sip.payroll import services
from sip.payroll.models import Invoice, InvoiceState
from tests import factories
from tests.conftest import migrated_app, scratch_database
from tests.factories import invoice_lines

ISSUERS = 20


def test_twenty_invoices_issued_at_once_get_twenty_consecutive_numbers(tmp_path):
    with scratch_database("invoice_race", tmp_path) as url:
        app = migrated_app(url, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 25, "max_overflow": 5})
        with app.app_context():
            w = factories.build_world()
            factories.build_payroll(w)
            drafts = [
                services.create_invoice(w.member, w.contract, lines=invoice_lines(f"{i + 1}.00"))
                for i in range(ISSUERS)
            ]
            db.session.commit()
            ids, member_id = [d.id for d in drafts], w.member.id
        barrier = threading.Barrier(ISSUERS)
        failures: list[str] = []

        def issue(invoice_id: int, fail: bool):
            with app.app_context():
                try:
                    barrier.wait(timeout=60)
                    for _attempt in range(50):  # a busy SQLite says so: the client retries
                        try:
                            # As a POST request does: SQLite's write lock first.
                            db.session.connection(
                                execution_options={"sqlite_begin_immediate": True}
                            )
                            member = db.session.get(Member, member_id)
                            invoice = db.session.get(Invoice, invoice_id)
                            services.issue_invoice(member, invoice)
                            db.session.flush()
                            if fail:
                                raise RuntimeError("the request failed after numbering")
                            db.session.commit()
                            return
                        except sa.exc.OperationalError:
                            db.session.rollback()
                    failures.append(f"{invoice_id}: database busy 50 times")
                except RuntimeError:
                    db.session.rollback()
                finally:
                    db.session.remove()

        # Every fifth issue fails after taking its number: its number goes back.
        threads = [
            threading.Thread(target=issue, args=(invoice_id, i % 5 == 4))
            for i, invoice_id in enumerate(ids)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=180)
        assert failures == []
        with app.app_context():
            issued = db.session.execute(
                sa.select(Invoice.number, Invoice.state).where(Invoice.id.in_(ids))
            ).all()
            numbers = sorted(n for n, s in issued if s == InvoiceState.ISSUED)
            assert numbers == list(range(1, ISSUERS - ISSUERS // 5 + 1))
            assert sum(1 for _n, s in issued if s == InvoiceState.DRAFT) == ISSUERS // 5
            db.session.remove()
            db.engine.dispose()


def _race(app, *actions) -> list[str]:
    """Run the actions at the same moment, each as a POST request would (its own session,
    SQLite's write lock first); what each ended with: "done" or the refusal's message."""
    from sip.errors import ServiceError

    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def run(action):
        with app.app_context():
            try:
                barrier.wait(timeout=60)
                for _attempt in range(50):
                    try:
                        db.session.connection(execution_options={"sqlite_begin_immediate": True})
                        action()
                        db.session.commit()
                        outcomes.append("done")
                        return
                    except sa.exc.OperationalError:
                        db.session.rollback()
                    except ServiceError as error:
                        db.session.rollback()
                        outcomes.append(str(error.message))
                        return
                outcomes.append("busy")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return sorted(outcomes)


def test_one_draft_issued_twice_or_one_invoice_cancelled_twice_at_once_counts_once(tmp_path):
    from sip.payroll.models import Movement

    with scratch_database("double_issue", tmp_path) as url:
        app = migrated_app(url)
        with app.app_context():
            w = factories.build_world()
            factories.build_payroll(w)
            draft = services.create_invoice(w.member, w.contract, lines=invoice_lines())
            db.session.commit()
            draft_id, member_id, activity_id = draft.id, w.member.id, w.activity.id

        def issue():
            member = db.session.get(Member, member_id)
            services.issue_invoice(member, db.session.get(Invoice, draft_id))

        def cancel():
            member = db.session.get(Member, member_id)
            services.cancel_invoice(member, db.session.get(Invoice, draft_id), reason="Twice.")

        def balance() -> object:
            return db.session.scalar(
                sa.select(sa.func.sum(Movement.amount)).where(Movement.activity_id == activity_id)
            )

        first = _race(app, issue, issue)
        assert first.count("done") == 1 and any("cannot be changed" in o for o in first), first
        with app.app_context():
            assert str(balance()) == "935.00"  # credited once, its contribution taken once
            assert db.session.get(Invoice, draft_id).number == 1
        second = _race(app, cancel, cancel)
        assert second.count("done") == 1 and any("cannot be cancelled" in o for o in second), second
        with app.app_context():
            notes = db.session.scalars(sa.select(Invoice).where(Invoice.credits_id == draft_id))
            assert len(notes.all()) == 1
            assert str(balance()) == "0.00"
            db.session.remove()
            db.engine.dispose()


def test_two_payments_recorded_at_once_never_exceed_the_invoice(tmp_path):
    with scratch_database("double_payment", tmp_path) as url:
        app = migrated_app(url)
        with app.app_context():
            w = factories.build_world()
            factories.build_payroll(w)
            w.board.role_grants.append(RoleGrant(role=Role.PAYROLL_OFFICER))
            invoice = services.create_invoice(w.member, w.contract, lines=invoice_lines())
            services.issue_invoice(w.member, invoice)  # 1,210.00 VAT included
            db.session.commit()
            invoice_id, officers = invoice.id, (w.payroll.id, w.board.id)

        def pay(officer_id):
            def action():
                officer = db.session.get(Member, officer_id)
                services.record_payment(
                    officer,
                    db.session.get(Invoice, invoice_id),
                    paid_on=local_today(),
                    amount="1000.00",
                )

            return action

        outcomes = _race(app, *(pay(o) for o in officers))
        assert outcomes.count("done") == 1, outcomes
        assert any("At most what is left to pay: 210.00 euros." in o for o in outcomes), outcomes
        with app.app_context():
            paid = db.session.get(Invoice, invoice_id)
            assert paid.received == Decimal("1000.00") and paid.state == InvoiceState.ISSUED
            assert len(paid.payments) == 1
            db.session.remove()
            db.engine.dispose()
