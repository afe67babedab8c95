"""Adopted actions: what an adopted resolution turns into, tracked in public, with its whole
provenance; and the public dashboard of each cycle."""

from flask import Blueprint

bp = Blueprint("actions", __name__, url_prefix="/actions")
