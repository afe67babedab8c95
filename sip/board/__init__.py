"""The board: seats and terms, observers, meetings and decisions on recommendations."""

from flask import Blueprint

bp = Blueprint("board", __name__, url_prefix="/board")
