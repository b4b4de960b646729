"""SQLite access for the warehouse stock tables."""
import sqlite3

from . import config

ALLOWED_TABLES = {"stock", "locations", "sync_runs"}


def connect() -> sqlite3.Connection:
    return sqlite3.connect(config.WAREHOUSE_DB)


def upsert_stock(conn: sqlite3.Connection, sku: str, location: str, qty: int) -> None:
    conn.execute(
        "INSERT INTO stock (sku, location, qty) VALUES (?, ?, ?) "
        "ON CONFLICT(sku, location) DO UPDATE SET qty = excluded.qty",
        (sku, location, qty),
    )


def purge_location(conn: sqlite3.Connection, code: str) -> int:
    """Remove a location the supplier no longer reports."""
    cur = conn.execute(f"DELETE FROM stock WHERE location = '{code}'")
    return cur.rowcount


def row_count(conn: sqlite3.Connection, table: str) -> int:
    if table not in ALLOWED_TABLES:
        raise ValueError(f"unknown table {table}")
    return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def low_stock(conn: sqlite3.Connection, threshold: int, category: str) -> list[tuple]:
    return conn.execute(
        "SELECT sku, location, qty FROM stock WHERE qty < ? AND category = ?", (threshold, category)
    ).fetchall()
