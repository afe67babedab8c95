"""SIP cycles, their phases, and the topics members propose and support."""

from flask import Blueprint

bp = Blueprint("cycles", __name__, url_prefix="/cycles")
