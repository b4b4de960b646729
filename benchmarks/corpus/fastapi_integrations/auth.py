import os

from fastapi import Header, HTTPException


def require_token(authorization: str = Header(...)):
    if authorization != "Bearer " + os.environ["INTEGRATIONS_TOKEN"]:
        raise HTTPException(401)
