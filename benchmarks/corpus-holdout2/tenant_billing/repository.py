"""Invoice persistence (PostgreSQL via psycopg)."""
from typing import Any


class InvoiceRepository:
    def __init__(self, conn):
        self.conn = conn

    def get_invoice(self, invoice_id: int) -> dict[str, Any] | None:
        with self.conn.cursor() as cur:
            cur.execute("SELECT * FROM invoices WHERE id = %s", (invoice_id,))
            return cur.fetchone()

    def get_invoice_for_tenant(self, invoice_id: int, tenant_id: int) -> dict[str, Any] | None:
        with self.conn.cursor() as cur:
            cur.execute(
                "SELECT * FROM invoices WHERE id = %s AND tenant_id = %s",
                (invoice_id, tenant_id),
            )
            return cur.fetchone()

    def list_for_tenant(self, tenant_id: int) -> list[dict[str, Any]]:
        with self.conn.cursor() as cur:
            cur.execute("SELECT * FROM invoices WHERE tenant_id = %s ORDER BY issued_on DESC", (tenant_id,))
            return cur.fetchall()

    def search(self, tenant_id: int, customer: str, status: str | None = None) -> list[dict[str, Any]]:
        query = "SELECT * FROM invoices WHERE tenant_id = %d AND customer_name ILIKE '%%%s%%'" % (tenant_id, customer)
        if status:
            query += " AND status = '%s'" % status
        with self.conn.cursor() as cur:
            cur.execute(query)
            return cur.fetchall()

    def invoices_by_ids(self, tenant_id: int, ids: str) -> list[dict[str, Any]]:
        """ids is the comma-separated list the dashboard sends (e.g. "12,15,19")."""
        sql = f"SELECT * FROM invoices WHERE tenant_id = %s AND id IN ({ids})"
        with self.conn.cursor() as cur:
            cur.execute(sql, (tenant_id,))
            return cur.fetchall()

    def plan_for(self, tenant_id: int) -> dict[str, Any] | None:
        with self.conn.cursor() as cur:
            cur.execute("SELECT plan, seats, card_last4, billing_email FROM tenants WHERE id = %s", (tenant_id,))
            return cur.fetchone()

    def set_memo(self, invoice_id: int, memo: str) -> None:
        with self.conn.cursor() as cur:
            cur.execute("UPDATE invoices SET memo = %s WHERE id = %s", (memo, invoice_id))
        self.conn.commit()

    def add_credit(self, tenant_id: int, cents: int, reason: str) -> None:
        with self.conn.cursor() as cur:
            cur.execute(
                f"INSERT INTO credits (tenant_id, cents, reason) VALUES ({tenant_id}, {cents}, '{reason}')"
            )
        self.conn.commit()

    def usage(self, tenant_id: int, period: str) -> list[dict[str, Any]]:
        with self.conn.cursor() as cur:
            cur.execute(
                "SELECT meter, SUM(quantity) AS qty FROM usage WHERE tenant_id = %(t)s AND period = %(p)s GROUP BY meter",
                {"t": tenant_id, "p": period},
            )
            return cur.fetchall()
