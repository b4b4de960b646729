import sqlite3

import click
from flask import current_app, g


def get_db():
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"], detect_types=sqlite3.PARSE_DECLTYPES)
        g.db.row_factory = sqlite3.Row
    return g.db


def close_db(e=None):
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()


def query(sql, params=(), one=False):
    cur = get_db().execute(sql, params)
    rows = cur.fetchall()
    cur.close()
    return (rows[0] if rows else None) if one else rows


@click.command("init-db")
def init_db_command():
    get_db().executescript(
        """
        CREATE TABLE IF NOT EXISTS cooks (id INTEGER PRIMARY KEY, email TEXT UNIQUE, pw_hash TEXT);
        CREATE TABLE IF NOT EXISTS recipes (
            id INTEGER PRIMARY KEY, cook_id INTEGER, title TEXT, cuisine TEXT,
            ingredients TEXT, steps TEXT, is_private INTEGER DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS reviews (id INTEGER PRIMARY KEY, recipe_id INTEGER, author TEXT, body TEXT);
        """
    )
    click.echo("Initialized the database.")


def init_app(app):
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)
