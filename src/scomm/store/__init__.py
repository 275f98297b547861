"""Persistence: SQLite by default, PostgreSQL by URL, migrated by Alembic."""

from scomm.store.audit import ChainCheck, append_audit, verify_chain
from scomm.store.database import DATABASE_URL_ENV, Store, default_url, open_store

__all__ = ["DATABASE_URL_ENV", "ChainCheck", "Store", "append_audit", "default_url", "open_store", "verify_chain"]
