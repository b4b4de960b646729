import os
from contextlib import contextmanager

import psycopg2
import psycopg2.extras

PG_DSN = os.getenv("BOOKING_DSN", "postgresql://booking@localhost/booking")


@contextmanager
def cursor():
    conn = psycopg2.connect(PG_DSN, cursor_factory=psycopg2.extras.RealDictCursor)
    try:
        with conn.cursor() as cur:
            yield cur
        conn.commit()
    finally:
        conn.close()
