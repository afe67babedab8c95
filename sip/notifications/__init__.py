"""In-app notifications: what happened that concerns a member, and whether they have seen it."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
