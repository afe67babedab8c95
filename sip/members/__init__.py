"""Members, colleges, offices and roles: the admin's member management."""

from flask import Blueprint

bp = Blueprint("members", __name__, url_prefix="/members")
