import os

import psycopg2
from fastapi import Header, HTTPException

DSN = os.environ["REPORTS_DSN"]
API_TOKEN = os.environ["REPORTS_TOKEN"]


def get_conn():
    conn = psycopg2.connect(DSN)
    try:
        yield conn
    finally:
        conn.close()


def require_user(x_api_token: str = Header(...)):
    if x_api_token != API_TOKEN:
        raise HTTPException(status_code=401)
