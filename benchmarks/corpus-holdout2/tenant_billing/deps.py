"""Shared FastAPI dependencies: database, current member, roles."""
import os
from dataclasses import dataclass

import jwt
import psycopg
from fastapi import Depends, Header, HTTPException, status
from fastapi.security import OAuth2PasswordBearer

from .repository import InvoiceRepository

DATABASE_URL = os.getenv("DATABASE_URL", "postgresql://billing:Kwlgsln856$@db.internal:5432/billing")
JWT_SECRET = os.environ["BILLING_JWT_SECRET"]

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token")


@dataclass
class Member:
    id: int
    tenant_id: int
    role: str


def get_conn():
    with psycopg.connect(DATABASE_URL) as conn:
        yield conn


def get_repo(conn=Depends(get_conn)) -> InvoiceRepository:
    return InvoiceRepository(conn)


def get_current_member(token: str = Depends(oauth2_scheme)) -> Member:
    try:
        claims = jwt.decode(token, JWT_SECRET, algorithms=["HS256"])
    except jwt.PyJWTError:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token")
    return Member(id=int(claims["sub"]), tenant_id=int(claims["tid"]), role=claims.get("role", "member"))


def require_billing_admin(member: Member = Depends(get_current_member)) -> Member:
    if member.role != "admin":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "billing admins only")
    return member


def get_partner(x_partner_token: str = Header(...)) -> dict:
    """Partners send us the JWT their own gateway issued; we only need the tenant claim."""
    claims = jwt.decode(x_partner_token, options={"verify_signature": False})
    return {"tenant_id": int(claims["tid"]), "partner": claims.get("iss", "unknown")}
