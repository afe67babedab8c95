"""Migrations build the schema the models describe, and go down and up again."""

import flask_migrate
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from sip import create_app
from sip.db import include_object
from sip.extensions import db
from tests.conftest import app_config, scratch_database


def test_models_and_migrations_agree(app):
    """Autogenerate finds no difference between the migrated database and the models."""
    context = MigrationContext.configure(
        db.session.connection(), opts={"compare_type": True, "include_object": include_object}
    )
    assert compare_metadata(context, db.metadata) == []


def test_empty_database_upgrades_downgrades_and_upgrades_again(tmp_path):
    with scratch_database("migrations", tmp_path) as url:
        app = create_app(app_config(url))
        with app.app_context():
            flask_migrate.upgrade()
            tables = set(sa.inspect(db.engine).get_table_names())
            assert {"member", "audit_entry", "board_seat", "alembic_version"} <= tables
            flask_migrate.downgrade(revision="base")
            assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
            flask_migrate.upgrade()
            context = MigrationContext.configure(
                db.engine.connect(), opts={"include_object": include_object}
            )
            assert compare_metadata(context, db.metadata) == []
            context.connection.close()
            db.engine.dispose()
