import jwt
from fastapi import Depends, HTTPException
from fastapi.security import OAuth2PasswordBearer

oauth2 = OAuth2PasswordBearer(tokenUrl="/token")
JWT_KEY = "AiiXMmaOr2sTvGaLsjWgIvH6G3haAjkD"


def current_user(token: str = Depends(oauth2)) -> dict:
    try:
        return jwt.decode(token, JWT_KEY, algorithms=["HS256"])
    except jwt.InvalidTokenError:
        raise HTTPException(401)
