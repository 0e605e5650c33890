"""SQLAlchemy engine and a request-scoped session bound to the Flask app."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, scoped_session, sessionmaker


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    # No pre-ping: it costs a round trip on every request; connections are recycled before servers
    # or proxies time them out instead, and a dead one fails one request, not all.
    return create_engine(url, echo=echo, pool_recycle=1800, pool_size=10, max_overflow=20)


def autocommit_connection(session: Session) -> Connection:
    """The session's connection, in autocommit on PostgreSQL when no transaction is open yet.

    Each statement is then its own transaction: no BEGIN and COMMIT round trips, which a request of
    one query and one (compound) write spends more time on than on its statements. Elsewhere (SQLite,
    in process: nothing to save), or inside an open transaction, it is the session's connection as is.
    Either way, end with ``session.commit()`` (nothing is sent in autocommit) or ``rollback()``.
    """
    if session.in_transaction() or session.get_bind().dialect.name != "postgresql":
        return session.connection()
    return session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


class Database:
    """Holds the engine and a scoped session per app; the session ends with the app context."""

    def init_app(self, app: Flask, url: str, *, echo: bool = False) -> None:
        engine = make_engine(url, echo=echo)
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        session = scoped_session(factory)
        app.extensions["acusight.db"] = (engine, session)

        @app.teardown_appcontext
        def _remove_session(_exc: BaseException | None) -> None:
            session.remove()

    @property
    def engine(self) -> Engine:
        return current_app.extensions["acusight.db"][0]

    @property
    def session(self) -> Session:
        return current_app.extensions["acusight.db"][1]()
