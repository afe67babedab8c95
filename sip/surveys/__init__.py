"""Questionnaires: built by moderators and working groups, answered by members, analysed."""

from flask import Blueprint

bp = Blueprint("surveys", __name__, url_prefix="/surveys")
