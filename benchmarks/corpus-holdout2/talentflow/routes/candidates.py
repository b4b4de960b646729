"""Candidate pipeline for recruiters (every route requires a recruiter)."""
from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from fastapi import Request
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.orm import Session

from ..db import Candidate, Recruiter, get_session
from ..security import get_current_recruiter

router = APIRouter(dependencies=[Depends(get_current_recruiter)], tags=["candidates"])
templates = Jinja2Templates(directory="templates")


class StageIn(BaseModel):
    stage: str


@router.get("/")
def list_candidates(q: str = "", sort: str = "name", me: Recruiter = Depends(get_current_recruiter),
                    session: Session = Depends(get_session)):
    sql = "SELECT id, name, stage FROM candidates WHERE org_id = :org AND name ILIKE :q ORDER BY " + sort
    rows = session.execute(text(sql), {"org": me.org_id, "q": f"%{q}%"}).all()
    return [dict(r._mapping) for r in rows]


@router.get("/by-skill")
def by_skill(skill: str, me: Recruiter = Depends(get_current_recruiter), session: Session = Depends(get_session)):
    rows = session.query(Candidate).filter(Candidate.org_id == me.org_id).filter(
        text(f"cover_letter ILIKE '%{skill}%'")
    ).all()
    return [{"id": c.id, "name": c.name} for c in rows]


@router.get("/export")
def export(stage: str = "offer", me: Recruiter = Depends(get_current_recruiter), session: Session = Depends(get_session)):
    rows = session.execute(
        text(f"SELECT name, email FROM candidates WHERE org_id = :org AND stage = '{stage}'"), {"org": me.org_id}
    ).all()
    return [dict(r._mapping) for r in rows]


@router.get("/{candidate_id}")
def get_candidate(candidate_id: int, session: Session = Depends(get_session)):
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        raise HTTPException(404)
    return {"id": candidate.id, "name": candidate.name, "email": candidate.email, "stage": candidate.stage}


@router.get("/{candidate_id}/letter", response_class=HTMLResponse)
def cover_letter(candidate_id: int, me: Recruiter = Depends(get_current_recruiter),
                 session: Session = Depends(get_session)):
    candidate = session.query(Candidate).filter(Candidate.id == candidate_id, Candidate.org_id == me.org_id).first()
    if candidate is None:
        raise HTTPException(404)
    return HTMLResponse(f"<h2>{candidate.name}</h2><div>{candidate.cover_letter}</div>")


@router.get("/{candidate_id}/profile", response_class=HTMLResponse)
def profile(candidate_id: int, request: Request, me: Recruiter = Depends(get_current_recruiter),
            session: Session = Depends(get_session)):
    candidate = session.query(Candidate).filter_by(id=candidate_id, org_id=me.org_id).one_or_none()
    return templates.TemplateResponse(request, "candidate.html", {"candidate": candidate})


@router.patch("/{candidate_id}/stage")
def move_stage(candidate_id: int, body: StageIn, me: Recruiter = Depends(get_current_recruiter),
               session: Session = Depends(get_session)):
    session.execute(
        text("UPDATE candidates SET stage = :stage WHERE id = :id"), {"stage": body.stage, "id": candidate_id}
    )
    session.commit()
    return {"ok": True}
