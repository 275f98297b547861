"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 10:44:58.804396
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=80), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_subject'), ['subject'], unique=False)

    op.create_table('deliveries',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('dedupe_key', sa.String(length=120), nullable=False),
    sa.Column('recipient', sa.String(length=40), nullable=False),
    sa.Column('address', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('delivered_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dedupe_key')
    )
    op.create_table('identities',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('gallery', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_name', sa.String(length=80), nullable=False),
    sa.Column('first_name', sa.String(length=80), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('immigration_status', sa.String(length=40), nullable=True),
    sa.Column('enrolled_from_tcn', sa.String(length=40), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('identities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identities_gallery'), ['gallery'], unique=False)

    op.create_table('jurisdictions',
    sa.Column('fips', sa.String(length=5), nullable=False),
    sa.Column('state', sa.String(length=2), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('fips')
    )
    op.create_table('policy_versions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('policy_id', sa.String(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('policy_id', 'version')
    )
    op.create_table('activation_changes',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('fips', sa.String(length=5), nullable=False),
    sa.Column('effective', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['fips'], ['jurisdictions.fips'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('activation_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activation_changes_fips'), ['fips'], unique=False)

    op.create_table('agencies',
    sa.Column('ori', sa.String(length=9), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('fips', sa.String(length=5), nullable=False),
    sa.ForeignKeyConstraint(['fips'], ['jurisdictions.fips'], ),
    sa.PrimaryKeyConstraint('ori')
    )
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agencies_fips'), ['fips'], unique=False)

    op.create_table('criminal_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('identity_id', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('ncic_code', sa.String(length=4), nullable=False),
    sa.Column('sentence_days', sa.Integer(), nullable=False),
    sa.Column('tcn', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['identity_id'], ['identities.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('criminal_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_criminal_events_identity_id'), ['identity_id'], unique=False)

    op.create_table('gallery_templates',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('identity_id', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['identity_id'], ['identities.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('identity_id', 'position')
    )
    with op.batch_alter_table('gallery_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gallery_templates_identity_id'), ['identity_id'], unique=False)

    op.create_table('policy_assignments',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('fips', sa.String(length=5), nullable=False),
    sa.Column('policy_id', sa.String(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('effective', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['fips'], ['jurisdictions.fips'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('policy_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_assignments_fips'), ['fips'], unique=False)

    op.create_table('bookings',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('tcn', sa.String(length=40), nullable=False),
    sa.Column('ori', sa.String(length=9), nullable=False),
    sa.Column('fips', sa.String(length=5), nullable=False),
    sa.Column('arrest_date', sa.Date(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('content_digest', sa.String(length=64), nullable=False),
    sa.Column('last_name', sa.String(length=80), nullable=False),
    sa.Column('first_name', sa.String(length=80), nullable=False),
    sa.Column('middle_name', sa.String(length=80), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('sex', sa.String(length=1), nullable=False),
    sa.Column('place_of_birth', sa.String(length=2), nullable=True),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('criminal_identity_id', sa.String(length=40), nullable=True),
    sa.Column('criminal_identified', sa.Boolean(), nullable=True),
    sa.Column('criminal_score', sa.Float(), nullable=True),
    sa.Column('activation_state', sa.String(length=20), nullable=True),
    sa.Column('immigration_searched', sa.Boolean(), nullable=True),
    sa.Column('immigration_identity_id', sa.String(length=40), nullable=True),
    sa.Column('immigration_score', sa.Float(), nullable=True),
    sa.Column('removable', sa.Boolean(), nullable=True),
    sa.Column('immigration_status', sa.String(length=40), nullable=True),
    sa.Column('status_reason', sa.Text(), nullable=True),
    sa.Column('level', sa.String(length=20), nullable=True),
    sa.Column('level_rules', sa.String(length=40), nullable=True),
    sa.Column('charge_level', sa.String(length=20), nullable=True),
    sa.Column('detainer', sa.Boolean(), nullable=True),
    sa.Column('detainer_form', sa.String(length=10), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('policy_id', sa.String(length=80), nullable=True),
    sa.Column('policy_version', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('outcome_date', sa.Date(), nullable=True),
    sa.Column('prints_purged', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['ori'], ['agencies.ori'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tcn')
    )
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.create_index('ix_bookings_fips_arrest', ['fips', 'arrest_date'], unique=False)
        batch_op.create_index('ix_bookings_status', ['status'], unique=False)

    op.create_table('booking_prints',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('booking_id', 'position')
    )
    with op.batch_alter_table('booking_prints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booking_prints_booking_id'), ['booking_id'], unique=False)

    op.create_table('charges',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('ncic_code', sa.String(length=4), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('charges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charges_booking_id'), ['booking_id'], unique=False)

    op.create_table('messages',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('sender', sa.String(length=40), nullable=False),
    sa.Column('receiver', sa.String(length=40), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_booking_id'), ['booking_id'], unique=False)

    op.create_table('outbox',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=40), nullable=False),
    sa.Column('address', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('dedupe_key', sa.String(length=120), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dedupe_key')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_booking_id'), ['booking_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_delivered_at'), ['delivered_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_delivered_at'))
        batch_op.drop_index(batch_op.f('ix_outbox_booking_id'))

    op.drop_table('outbox')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_booking_id'))

    op.drop_table('messages')
    with op.batch_alter_table('charges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charges_booking_id'))

    op.drop_table('charges')
    with op.batch_alter_table('booking_prints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_booking_prints_booking_id'))

    op.drop_table('booking_prints')
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_index('ix_bookings_status')
        batch_op.drop_index('ix_bookings_fips_arrest')

    op.drop_table('bookings')
    with op.batch_alter_table('policy_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policy_assignments_fips'))

    op.drop_table('policy_assignments')
    with op.batch_alter_table('gallery_templates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gallery_templates_identity_id'))

    op.drop_table('gallery_templates')
    with op.batch_alter_table('criminal_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_criminal_events_identity_id'))

    op.drop_table('criminal_events')
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agencies_fips'))

    op.drop_table('agencies')
    with op.batch_alter_table('activation_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activation_changes_fips'))

    op.drop_table('activation_changes')
    op.drop_table('policy_versions')
    op.drop_table('jurisdictions')
    with op.batch_alter_table('identities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identities_gallery'))

    op.drop_table('identities')
    op.drop_table('deliveries')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_subject'))
        batch_op.drop_index(batch_op.f('ix_audit_log_action'))

    op.drop_table('audit_log')
