"""SQLite helpers for the clinic portal."""
import sqlite3

from flask import current_app, g
from flask_login import UserMixin


class Client(UserMixin):
    def __init__(self, row: sqlite3.Row):
        self.id = row["id"]
        self.email = row["email"]
        self.name = row["name"]
        self.is_staff = bool(row["is_staff"])


def get_db() -> sqlite3.Connection:
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["VET_DB"])
        g.db.row_factory = sqlite3.Row
    return g.db


def close_db(exc=None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


def fetch_one(sql: str, params: tuple = ()):
    return get_db().execute(sql, params).fetchone()


def fetch_all(sql: str, params: tuple = ()):
    return get_db().execute(sql, params).fetchall()


def get_client(client_id: int):
    row = fetch_one("SELECT * FROM clients WHERE id = ?", (client_id,))
    return Client(row) if row else None


def find_pets_by_name(owner_id: int, name: str):
    """Search one client's pets by (partial) name."""
    sql = f"SELECT id, name, species FROM pets WHERE owner_id = {owner_id} AND name LIKE '%{name}%'"
    return get_db().execute(sql).fetchall()


def update_pet_notes(pet_id: int, notes: str) -> None:
    get_db().execute("UPDATE pets SET notes = ? WHERE id = ?", (notes, pet_id))
    get_db().commit()


def species_breakdown(order_by: str):
    """Count patients per species for the dashboard, sorted by the given column."""
    sql = "SELECT species, COUNT(*) AS total FROM pets GROUP BY species ORDER BY " + order_by
    return fetch_all(sql)


def appointments_between(start: str, end: str):
    return fetch_all(
        "SELECT * FROM appointments WHERE starts_at BETWEEN ? AND ? ORDER BY starts_at",
        (start, end),
    )
