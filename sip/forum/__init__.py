"""Moderated forums: categories, threads, posts, flags, the review queue and search."""

from flask import Blueprint

bp = Blueprint("forum", __name__, url_prefix="/forum")
