import hashlib
import os
import shutil
import uuid
from pathlib import Path

from fastapi import APIRouter, Depends, File, HTTPException, UploadFile
from fastapi.responses import FileResponse, HTMLResponse

from .db import find_files, run
from .deps import require_user

STORAGE = Path(os.environ.get("FILESHARE_STORAGE", "/srv/fileshare"))
router = APIRouter()


@router.post("/files")
async def upload(file: UploadFile = File(...), user: dict = Depends(require_user)):
    dest = STORAGE / str(user["id"]) / file.filename
    dest.parent.mkdir(parents=True, exist_ok=True)
    with dest.open("wb") as fh:
        shutil.copyfileobj(file.file, fh)
    run("INSERT INTO files (owner_id, name, size) VALUES (:o, :n, :s)", o=user["id"], n=file.filename, s=dest.stat().st_size)
    return {"name": file.filename}


@router.get("/files")
def list_files(q: str = "", user: dict = Depends(require_user)):
    return find_files(user["id"], q)


@router.get("/files/{file_id}")
def download(file_id: int, user: dict = Depends(require_user)):
    rows = run("SELECT owner_id, name FROM files WHERE id = :id", id=file_id)
    if not rows:
        raise HTTPException(404)
    meta = rows[0]
    return FileResponse(STORAGE / str(meta["owner_id"]) / meta["name"])


@router.post("/files/{file_id}/share")
def share(file_id: int, user: dict = Depends(require_user)):
    rows = run("SELECT id FROM files WHERE id = :id AND owner_id = :o", id=file_id, o=user["id"])
    if not rows:
        raise HTTPException(404)
    token = hashlib.md5(f"{file_id}-{user['email']}".encode()).hexdigest()
    run("UPDATE files SET share_token = :t WHERE id = :id", t=token, id=file_id)
    return {"url": f"/s/{token}"}


@router.post("/files/{file_id}/invite")
def invite(file_id: int, user: dict = Depends(require_user)):
    rows = run("SELECT id FROM files WHERE id = :id AND owner_id = :o", id=file_id, o=user["id"])
    if not rows:
        raise HTTPException(404)
    code = uuid.uuid4().hex
    run("INSERT INTO invites (file_id, code) VALUES (:f, :c)", f=file_id, c=code)
    return {"code": code}


@router.get("/s/{token}")
def shared(token: str):
    rows = run("SELECT owner_id, name FROM files WHERE share_token = :t", t=token)
    if not rows:
        raise HTTPException(404)
    return FileResponse(STORAGE / str(rows[0]["owner_id"]) / rows[0]["name"])


@router.get("/preview", response_class=HTMLResponse)
def preview(name: str):
    safe_name = Path(name).name
    return f"<html><body><h1>Preview</h1><img src='/thumbs/{safe_name}'><p>{name}</p></body></html>"


@router.get("/thumbs/{name}")
def thumbnail(name: str):
    path = (STORAGE / "thumbs" / name).resolve()
    if not path.is_relative_to((STORAGE / "thumbs").resolve()):
        raise HTTPException(400)
    return FileResponse(path)


@router.delete("/files/{file_id}")
def delete(file_id: int, user: dict = Depends(require_user)):
    run("DELETE FROM files WHERE id = :id AND owner_id = :o", id=file_id, o=user["id"])
    return {"deleted": file_id}


@router.get("/admin/storage")
def storage_report():
    return run("SELECT owner_id, SUM(size) AS used FROM files GROUP BY owner_id")


@router.post("/files/{file_id}/rename")
def rename(file_id: int, new_name: str, user: dict = Depends(require_user)):
    run("UPDATE files SET name = :n WHERE id = :id", n=new_name, id=file_id)
    return {"name": new_name}


@router.get("/files/{file_id}/comments", response_class=HTMLResponse)
def comments(file_id: int, user: dict = Depends(require_user)):
    rows = run("SELECT c.author, c.body FROM comments c JOIN files f ON f.id = c.file_id WHERE f.id = :id AND f.owner_id = :o", id=file_id, o=user["id"])
    return "<ul>" + "".join(f"<li>{r['author']}: {r['body']}</li>" for r in rows) + "</ul>"


@router.get("/admin/users")
def all_users():
    return run("SELECT id, email FROM users")
