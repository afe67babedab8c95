"""The admin's home and the audit log browser."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
