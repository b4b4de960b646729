import os

import psycopg2
import psycopg2.extras

DSN = "postgresql://clinic:Tgrywby171%@db.clinic.internal/clinic"


def get_cursor():
    conn = psycopg2.connect(os.environ.get("CLINIC_DSN", DSN))
    conn.autocommit = True
    return conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor)
