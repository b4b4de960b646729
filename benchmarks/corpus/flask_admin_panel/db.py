import psycopg2
from flask import current_app, g


def get_conn():
    if "conn" not in g:
        g.conn = psycopg2.connect(current_app.config["DATABASE_URL"])
    return g.conn
