"""Login, registration, password reset and the member's own account."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")
