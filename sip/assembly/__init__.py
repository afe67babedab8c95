"""The general assembly: assemblies, resolutions, proxies, attendance, secret ballots and
their tally. The voting engine's rules are in ``sip.assembly.rules``."""

from flask import Blueprint

bp = Blueprint("assembly", __name__, url_prefix="/assemblies")
