import sqlite3

from flask import current_app, g


class Database:
    def __init__(self, path):
        self.conn = sqlite3.connect(path)
        self.conn.row_factory = sqlite3.Row

    def q(self, sql, *params):
        return self.conn.execute(sql, params).fetchall()

    def run(self, sql, *params):
        self.conn.execute(sql, params)
        self.conn.commit()


def db():
    if "ops_db" not in g:
        g.ops_db = Database(current_app.config["DATABASE"])
    return g.ops_db
