"""One-off migration: copy users from the legacy MySQL database into Postgres."""
import sys

import MySQLdb
import psycopg2

LEGACY = MySQLdb.connect(host="legacy-db", user="root", passwd="Fgwdtns340!", db="app")
TARGET = psycopg2.connect("host=pg dbname=app user=migrator password=Wopgsiz605?")


def copy(table, where):
    src = LEGACY.cursor()
    src.execute("SELECT id, email, name FROM %s WHERE %s" % (table, where))
    dst = TARGET.cursor()
    for row in src.fetchall():
        dst.execute("INSERT INTO users (id, email, name) VALUES (%s, %s, %s)", row)
    TARGET.commit()


def delete_batch(ids):
    cur = TARGET.cursor()
    cur.execute("DELETE FROM users WHERE id IN (" + ",".join(ids) + ")")


if __name__ == "__main__":
    copy(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "1=1")
