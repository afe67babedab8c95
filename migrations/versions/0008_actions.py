"""adopted actions, their updates and followers

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 17:40:00

"""
from alembic import op
import sqlalchemy as sa

import sip.db  # noqa: F401 - column types used by autogenerate


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

STATUS = ('planned', 'in_progress', 'done', 'dropped')


def upgrade():
    op.create_table('action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resolution_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('owner_team', sa.String(length=120), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum(*STATUS, name='actionstatus', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('drop_reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sip.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sip.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('done_at', sip.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(owner_id IS NULL) <> (owner_team = '')", name=op.f('ck_action_one_owner')),
    sa.CheckConstraint('progress >= 0 AND progress <= 100', name=op.f('ck_action_progress_percent')),
    sa.ForeignKeyConstraint(['created_by_id'], ['member.id'], name=op.f('fk_action_created_by_id_member')),
    sa.ForeignKeyConstraint(['owner_id'], ['member.id'], name=op.f('fk_action_owner_id_member')),
    sa.ForeignKeyConstraint(['resolution_id'], ['resolution.id'], name=op.f('fk_action_resolution_id_resolution')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action'))
    )
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_resolution_id'), ['resolution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_status'), ['status'], unique=False)

    op.create_table('action_follow',
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sip.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_action_follow_action_id_action'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_action_follow_member_id_member'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('action_id', 'member_id', name=op.f('pk_action_follow'))
    )
    op.create_table('action_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum(*STATUS, name='actionstatus', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('created_at', sip.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_action_update_action_id_action'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['member.id'], name=op.f('fk_action_update_author_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_update'))
    )
    with op.batch_alter_table('action_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_update_action_id'), ['action_id'], unique=False)


def downgrade():
    with op.batch_alter_table('action_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_update_action_id'))

    op.drop_table('action_update')
    op.drop_table('action_follow')
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_status'))
        batch_op.drop_index(batch_op.f('ix_action_resolution_id'))
        batch_op.drop_index(batch_op.f('ix_action_owner_id'))

    op.drop_table('action')
