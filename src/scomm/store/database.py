"""Opening the store: SQLite file by default, PostgreSQL by URL, always migrated.

Migrations are Alembic's; :func:`open_store` brings any database to the newest
revision before use, so an old database file keeps working after an upgrade.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from scomm.errors import StoreError

DEFAULT_DATA_DIR = Path("scomm-data")
DATABASE_URL_ENV = "SCOMM_DATABASE_URL"


def default_url(data_dir: Path = DEFAULT_DATA_DIR, name: str = "scomm") -> str:
    return os.environ.get(DATABASE_URL_ENV) or f"sqlite:///{(data_dir / f'{name}.sqlite').as_posix()}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


@dataclass
class Store:
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any error."""
        with self.sessions.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def migrate(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "scomm.store:migrations")
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_store(url: str | None = None, *, create: bool = True) -> Store:
    """Open (and migrate) the database at ``url``; a SQLite file's folder is created."""
    url = url or default_url()
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        path = Path(url.removeprefix("sqlite:///"))
        if not create and not path.exists():
            raise StoreError(f"no scomm database at {path}: run `scomm demo` first or pass --db")
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url, future=True)
    except (SQLAlchemyError, ImportError) as exc:
        raise StoreError(f"cannot use database URL {url!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        migrate(engine)
    except OperationalError as exc:
        raise StoreError(f"cannot open database {engine.url.render_as_string(hide_password=True)}: {exc.orig}") from exc
    return Store(engine, sessionmaker(engine, expire_on_commit=False))


def table_names(store: Store) -> list[str]:
    return sorted(inspect(store.engine).get_table_names())
