from dataclasses import dataclass

import jwt
from fastapi import Depends, Header, HTTPException
from pymongo import MongoClient
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

from .settings import DATABASE_URL, JWT_PUBLIC_KEY_PATH, MONGO_URL

engine = create_engine(DATABASE_URL)
SessionLocal = sessionmaker(bind=engine)
mongo = MongoClient(MONGO_URL)
with open(JWT_PUBLIC_KEY_PATH) as fh:
    PUBLIC_KEY = fh.read()


@dataclass
class Principal:
    user_id: int
    tenant_id: int
    role: str


def get_session():
    session = SessionLocal()
    try:
        yield session
    finally:
        session.close()


def get_principal(authorization: str = Header(...)) -> Principal:
    token = authorization.removeprefix("Bearer ")
    try:
        claims = jwt.decode(token, PUBLIC_KEY, algorithms=["RS256"], audience="saas-api")
    except jwt.PyJWTError:
        raise HTTPException(401)
    return Principal(int(claims["sub"]), int(claims["tid"]), claims.get("role", "member"))


def tenant_from_header(x_tenant_token: str = Header(...)) -> int:
    claims = jwt.decode(x_tenant_token, options={"verify_signature": False})
    return int(claims["tid"])


def require_owner(principal: Principal = Depends(get_principal)) -> Principal:
    if principal.role != "owner":
        raise HTTPException(403)
    return principal
