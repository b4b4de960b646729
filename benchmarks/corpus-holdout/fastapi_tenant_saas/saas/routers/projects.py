from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import text
from sqlalchemy.orm import Session

from ..deps import Principal, get_principal, get_session

router = APIRouter(prefix="/projects", tags=["projects"])


@router.get("")
def list_projects(principal: Principal = Depends(get_principal), db: Session = Depends(get_session)):
    rows = db.execute(text("SELECT id, name FROM projects WHERE tenant_id = :t"), {"t": principal.tenant_id})
    return [dict(r._mapping) for r in rows]


@router.get("/{project_id}")
def get_project(project_id: int, principal: Principal = Depends(get_principal), db: Session = Depends(get_session)):
    row = db.execute(text("SELECT * FROM projects WHERE id = :id"), {"id": project_id}).first()
    if row is None:
        raise HTTPException(404)
    return dict(row._mapping)


@router.patch("/{project_id}")
def rename_project(project_id: int, name: str, principal: Principal = Depends(get_principal), db: Session = Depends(get_session)):
    db.execute(
        text("UPDATE projects SET name = :n WHERE id = :id AND tenant_id = :t"),
        {"n": name, "id": project_id, "t": principal.tenant_id},
    )
    db.commit()
    return {"ok": True}


@router.get("/search/by-tag")
def by_tag(tag: str, principal: Principal = Depends(get_principal), db: Session = Depends(get_session)):
    sql = f"SELECT id, name FROM projects WHERE tenant_id = {principal.tenant_id} AND '{tag}' = ANY(tags)"
    return [dict(r._mapping) for r in db.execute(text(sql))]


@router.get("/{project_id}/members")
def project_members(project_id: int, principal: Principal = Depends(get_principal), db: Session = Depends(get_session)):
    rows = db.execute(text("SELECT user_id, role FROM memberships WHERE project_id = :p"), {"p": project_id})
    return [dict(r._mapping) for r in rows]
