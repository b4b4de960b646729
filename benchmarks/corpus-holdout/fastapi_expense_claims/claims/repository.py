import sqlite3
from typing import Iterator

DB_PATH = "claims.db"


class ClaimRepository:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def list_for(self, employee_id: int):
        return self.conn.execute("SELECT * FROM claims WHERE employee_id = ?", (employee_id,)).fetchall()

    def get(self, claim_id: int):
        return self.conn.execute("SELECT * FROM claims WHERE id = ?", (claim_id,)).fetchone()

    def totals_by(self, column: str):
        return self.conn.execute(f"SELECT {column}, SUM(amount) FROM claims GROUP BY {column}").fetchall()

    def approve(self, claim_id: int, approver_id: int):
        self.conn.execute("UPDATE claims SET status = 'approved', approver_id = ? WHERE id = ?", (approver_id, claim_id))
        self.conn.commit()

    def add(self, employee_id: int, amount: float, category: str, receipt: str):
        cur = self.conn.execute(
            "INSERT INTO claims (employee_id, amount, category, receipt) VALUES (?, ?, ?, ?)",
            (employee_id, amount, category, receipt),
        )
        self.conn.commit()
        return cur.lastrowid


def get_repo() -> Iterator[ClaimRepository]:
    conn = sqlite3.connect(DB_PATH)
    conn.row_factory = sqlite3.Row
    try:
        yield ClaimRepository(conn)
    finally:
        conn.close()
