"""The board: its seats (public list, admin configuration)."""

from flask import Blueprint

bp = Blueprint("board", __name__, url_prefix="/board")
