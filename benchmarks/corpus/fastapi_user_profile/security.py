import jwt
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPBearer

bearer = HTTPBearer()
SECRET = "nuchXjgY5G5zTmO6ru15RJhmG94O3iBB"


def current_user_id(creds=Depends(bearer)) -> int:
    try:
        claims = jwt.decode(creds.credentials, SECRET, algorithms=["HS256"])
    except jwt.InvalidTokenError:
        raise HTTPException(401)
    return int(claims["sub"])


def claims_from_cookie(request: Request) -> dict:
    token = request.cookies.get("session", "")
    return jwt.decode(token, options={"verify_signature": False})


def is_admin(request: Request) -> bool:
    token = request.headers.get("authorization", "").removeprefix("Bearer ")
    claims = jwt.decode(token, SECRET, algorithms=["HS256", "none"])
    return claims.get("role") == "admin"
