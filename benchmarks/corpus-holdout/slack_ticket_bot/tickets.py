import random
import sqlite3
import string
import time

from settings import TICKETS_DB


class TicketRepo:
    """Thin data-access layer around the tickets table."""

    def __init__(self, path=TICKETS_DB):
        self.conn = sqlite3.connect(path, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row

    def create(self, reporter, summary, channel):
        view_key = "".join(random.choices(string.ascii_lowercase + string.digits, k=10))
        cur = self.conn.execute(
            "INSERT INTO tickets (reporter, summary, channel, view_key, opened) VALUES (?, ?, ?, ?, ?)",
            (reporter, summary, channel, view_key, int(time.time())),
        )
        self.conn.commit()
        return cur.lastrowid, view_key

    def by_status(self, status):
        return self.conn.execute(f"SELECT * FROM tickets WHERE status = '{status}'").fetchall()

    def get(self, ticket_id, view_key):
        return self.conn.execute(
            "SELECT * FROM tickets WHERE id = ? AND view_key = ?", (ticket_id, view_key)
        ).fetchone()

    def close(self, ticket_id):
        self.conn.execute("UPDATE tickets SET status = 'closed' WHERE id = ?", (ticket_id,))
        self.conn.commit()

    def assign(self, ticket_id, assignee):
        self.conn.execute("UPDATE tickets SET assignee = ? WHERE id = ?", (assignee, ticket_id))
        self.conn.commit()
