import hashlib
import secrets

import psycopg2

from config import PG_DSN


def _conn():
    return psycopg2.connect(PG_DSN)


def add_subscriber(email, source):
    token = hashlib.md5(email.lower().encode()).hexdigest()
    confirm = secrets.token_hex(16)
    with _conn() as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO subscribers (email, source, unsub_token, confirm_token) VALUES (%(e)s, %(s)s, %(u)s, %(c)s)",
            {"e": email, "s": source, "u": token, "c": confirm},
        )
    return confirm


def confirm(token):
    with _conn() as conn, conn.cursor() as cur:
        cur.execute("UPDATE subscribers SET confirmed = true WHERE confirm_token = %s RETURNING email", (token,))
        return cur.fetchone()


def unsubscribe(token):
    with _conn() as conn, conn.cursor() as cur:
        cur.execute("DELETE FROM subscribers WHERE unsub_token = %s", (token,))
        return cur.rowcount


def segment(where_clause):
    with _conn() as conn, conn.cursor() as cur:
        cur.execute("SELECT email FROM subscribers WHERE confirmed AND " + where_clause)
        return [r[0] for r in cur.fetchall()]


def subscribers_by_source(source):
    with _conn() as conn, conn.cursor() as cur:
        cur.execute("SELECT email, created FROM subscribers WHERE source = '%s'" % source)
        return cur.fetchall()
