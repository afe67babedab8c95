"""Working groups: composition, meetings and small talks, documents, recommendations."""

from flask import Blueprint

bp = Blueprint("working_groups", __name__, url_prefix="/working-groups")
