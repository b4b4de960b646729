import urllib.request

from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter(prefix="/avatars")
GRAVATAR = "https://www.gravatar.com/avatar/"


class AvatarImport(BaseModel):
    image_url: str


@router.post("/import")
def import_avatar(body: AvatarImport):
    with urllib.request.urlopen(body.image_url) as resp:
        data = resp.read()
    return {"bytes": len(data)}


@router.get("/gravatar/{email_hash}")
def gravatar(email_hash: str):
    with urllib.request.urlopen(GRAVATAR + email_hash.strip().lower()[:32] + "?d=404") as resp:
        return {"status": resp.status}
