import os
from pathlib import Path

import aiosqlite
from fastapi import APIRouter, Depends, HTTPException, UploadFile
from fastapi.responses import FileResponse

from .auth import admin_user, current_user
from .db import DB, fetch_all, fetch_one

router = APIRouter(prefix="/documents")
STORAGE = Path("/srv/documents")


@router.get("/")
async def list_documents(user: dict = Depends(current_user)):
    return await fetch_all("SELECT id, title FROM documents WHERE owner_id = ?", (user["id"],))


@router.get("/{doc_id}")
async def get_document(doc_id: int, user: dict = Depends(current_user)):
    doc = await fetch_one("SELECT id, title, path FROM documents WHERE id = ?", (doc_id,))
    if doc is None:
        raise HTTPException(404)
    return FileResponse(doc["path"])


@router.get("/{doc_id}/meta")
async def get_meta(doc_id: int, user: dict = Depends(current_user)):
    doc = await fetch_one("SELECT id, title FROM documents WHERE id = ? AND owner_id = ?", (doc_id, user["id"]))
    if doc is None:
        raise HTTPException(404)
    return dict(doc)


@router.get("/by-title/{title}")
async def by_title(title: str, user: dict = Depends(current_user)):
    return await fetch_all(f"SELECT id FROM documents WHERE owner_id = {user['id']} AND title = '{title}'")


@router.post("/upload")
async def upload(file: UploadFile, user: dict = Depends(current_user)):
    dest = STORAGE / str(user["id"]) / file.filename
    dest.write_bytes(await file.read())
    async with aiosqlite.connect(DB) as conn:
        await conn.execute("INSERT INTO documents (owner_id, title, path) VALUES (?, ?, ?)", (user["id"], file.filename, str(dest)))
        await conn.commit()
    return {"stored": file.filename}


@router.get("/files/{name}")
async def raw_file(name: str, user: dict = Depends(current_user)):
    base = (STORAGE / str(user["id"])).resolve()
    target = (base / name).resolve()
    if not target.is_relative_to(base):
        raise HTTPException(400)
    return FileResponse(target)


@router.get("/export/{name}")
async def export(name: str, user: dict = Depends(current_user)):
    return FileResponse(os.path.join("/srv/exports", name))


@router.delete("/{doc_id}")
async def delete(doc_id: int, admin: dict = Depends(admin_user)):
    async with aiosqlite.connect(DB) as conn:
        await conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
        await conn.commit()
    return {"deleted": doc_id}


@router.post("/{doc_id}/share")
async def share(doc_id: int, email: str):
    async with aiosqlite.connect(DB) as conn:
        await conn.execute("INSERT INTO shares (doc_id, email) VALUES (?, ?)", (doc_id, email))
        await conn.commit()
    return {"shared": doc_id}


@router.get("/stats/all")
async def stats():
    return await fetch_all("SELECT owner_id, COUNT(*) AS n FROM documents GROUP BY owner_id")
