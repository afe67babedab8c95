"""Where the project lives on disk: templates, static files and the instance folder."""

from pathlib import Path

#: The project's root: the folder holding ``sip/``, ``templates/`` and ``static/``.
ROOT = Path(__file__).resolve().parent.parent
