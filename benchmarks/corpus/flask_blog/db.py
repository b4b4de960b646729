import sqlite3

from flask import g


def get_db():
    if "_db" not in g:
        g._db = sqlite3.connect("blog.db")
        g._db.row_factory = sqlite3.Row
    return g._db


def query(sql, args=(), one=False):
    cur = get_db().execute(sql, args)
    rows = cur.fetchall()
    get_db().commit()
    return (rows[0] if rows else None) if one else rows
