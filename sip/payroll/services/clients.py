"""A member's clients, with their VAT number checked by country."""

from flask_babel import lazy_gettext as _l

from sip import audit
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.models import Member
from sip.payroll.models import (
    Client,
)


def check_vat_number(number: str) -> str:
    """A VAT number of an EU country, checked by format and check digits (python-stdnum);
    returned compact, e.g. BE0403170701. "" stays "" (a private client)."""
    from stdnum.eu import vat

    number = (number or "").strip()
    if not number:
        return ""
    try:
        return vat.validate(number)
    except Exception:  # stdnum raises one of its ValidationError subclasses
        raise ServiceError(
            _l(
                "This is not a valid EU VAT number: two letters for the country, then its "
                "digits, like BE0403170701."
            ),
            "vat_number",
        ) from None


def create_client(
    member: Member, *, name: str, address: str = "", country: str = "BE", vat_number: str = ""
) -> Client:
    name = (name or "").strip()
    if not name:
        raise ServiceError(_l("This field is required."), "name")
    compact = check_vat_number(vat_number)
    country = (compact[:2] if compact else (country or "BE")).upper()
    if compact.startswith("EL"):
        country = "GR"  # Greece's VAT prefix is EL
    if len(country) != 2 or not country.isalpha():
        raise ServiceError(_l("A two-letter country code, like BE."), "country")
    client = Client(
        member_id=member.id,
        name=name[:200],
        address=(address or "").strip(),
        country=country,
        vat_number=compact,
    )
    db.session.add(client)
    db.session.flush()
    audit.record("payroll.client_created", client, actor=member, name=client.name)
    return client
