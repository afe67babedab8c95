"""Contracts, invoices, expenses and salaries: the lighter payroll module (DESIGN.md
"Contract and payroll")."""

from flask import Blueprint

bp = Blueprint("payroll", __name__, url_prefix="/payroll")
