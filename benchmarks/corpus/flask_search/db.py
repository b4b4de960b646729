import sqlite3

from flask import g

DB_PATH = "catalog.db"


def db():
    if "db" not in g:
        g.db = sqlite3.connect(DB_PATH)
    return g.db


def close_db(exc=None):
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()
