from fastapi import Depends, HTTPException
from fastapi.security import APIKeyHeader

from .db import conn

api_key = APIKeyHeader(name="X-API-Key")


def get_customer(key: str = Depends(api_key)) -> dict:
    row = conn.execute("SELECT id, name FROM customers WHERE api_key = ?", (key,)).fetchone()
    if row is None:
        raise HTTPException(401)
    return {"id": row[0], "name": row[1]}
