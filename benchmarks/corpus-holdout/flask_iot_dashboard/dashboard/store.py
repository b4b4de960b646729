import pymysql
import pymysql.cursors
from flask import current_app


def connect():
    cfg = current_app.config
    return pymysql.connect(
        host=cfg["MYSQL_HOST"],
        user=cfg["MYSQL_USER"],
        password=cfg["MYSQL_PASSWORD"],
        database=cfg["MYSQL_DB"],
        cursorclass=pymysql.cursors.DictCursor,
    )


def fetch_all(sql, args=None):
    conn = connect()
    try:
        with conn.cursor() as cur:
            cur.execute(sql, args)
            return cur.fetchall()
    finally:
        conn.close()


def fetch_one(sql, args=None):
    rows = fetch_all(sql, args)
    return rows[0] if rows else None


def rename_device(device_id, new_name):
    conn = connect()
    try:
        with conn.cursor() as cur:
            cur.execute("UPDATE devices SET name = '%s' WHERE id = %d" % (new_name, device_id))
        conn.commit()
    finally:
        conn.close()
