"""Alembic environment: scomm passes its own connection (see scomm.store.database.migrate)."""

from alembic import context
from sqlalchemy import create_engine

from scomm.store.schema import Base

config = context.config
target_metadata = Base.metadata

connection = config.attributes.get("connection")
if connection is None:
    url = config.get_main_option("sqlalchemy.url") or "sqlite:///scomm-data/scomm.sqlite"
    with create_engine(url).begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
