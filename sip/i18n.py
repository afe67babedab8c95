"""Language helpers: which languages exist, and picking a translated column."""

from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

LANGUAGE_NAMES = {"en": "English", "fr": "Français", "nl": "Nederlands"}


def languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def select_locale() -> str:
    """The member's language, else the visitor's choice, else the browser's Accept-Language."""
    langs = languages()
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and current_user.language in langs:
        return current_user.language
    chosen = session.get("lang")
    if chosen in langs:
        return chosen
    return request.accept_languages.best_match(langs) or current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale else "en"


class TranslatedNameMixin:
    """Models with ``name_en``, ``name_fr`` and ``name_nl`` columns."""

    name_en: str
    name_fr: str
    name_nl: str

    @property
    def name(self) -> str:
        lang = current_language()
        return getattr(self, f"name_{lang}", None) or self.name_en


def money(value) -> str:
    """An amount in euros as the member's language writes it: 1,210.00 · 1 210,00 · 1.210,00."""
    from decimal import Decimal

    from flask_babel import format_decimal

    return format_decimal(Decimal(str(value or 0)), format="#,##0.00")


def percent(value) -> str:
    """A rate kept as a fraction (0.065), as a percentage in the member's language: 6.5 %."""
    from decimal import Decimal

    from flask_babel import format_decimal

    return f"{format_decimal(Decimal(str(value)) * 100, format='#,##0.##')} %"
