from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.middleware.cors import CORSMiddleware
from pydantic import BaseModel

from .db import fetch_profile, profiles, update_profile_row
from .security import claims_from_cookie, current_user_id, is_admin

app = FastAPI()
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)


class ProfileUpdate(BaseModel):
    display_name: str
    bio: str = ""


@app.get("/me")
def me(uid: int = Depends(current_user_id)):
    return fetch_profile(uid)


@app.get("/profiles/{user_id}")
def get_profile(user_id: int, uid: int = Depends(current_user_id)):
    return fetch_profile(user_id)


@app.put("/profiles/{user_id}")
def put_profile(user_id: int, body: ProfileUpdate, uid: int = Depends(current_user_id)):
    if user_id != uid:
        raise HTTPException(403)
    update_profile_row(user_id, body.display_name, body.bio)
    return {"ok": True}


@app.patch("/profiles/{user_id}/bio")
def patch_bio(user_id: int, body: ProfileUpdate, uid: int = Depends(current_user_id)):
    update_profile_row(user_id, body.display_name, body.bio)
    return {"ok": True}


@app.get("/session")
def session_info(request: Request):
    return claims_from_cookie(request)


@app.get("/admin/profiles")
def all_profiles(request: Request):
    if not is_admin(request):
        raise HTTPException(403)
    return list(profiles.values())


@app.delete("/profiles/{user_id}")
def delete_profile(user_id: int):
    profiles.pop(user_id, None)
    return {"deleted": user_id}
