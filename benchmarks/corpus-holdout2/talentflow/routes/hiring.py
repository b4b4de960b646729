"""Hiring manager endpoints: interview feedback, offers, pipeline report."""
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.orm import Session

from ..db import Candidate, Recruiter, get_session
from ..security import get_current_recruiter, new_invite_token

router = APIRouter(tags=["hiring"])


class FeedbackIn(BaseModel):
    score: int
    notes: str


@router.post("/candidates/{candidate_id}/feedback")
def feedback(candidate_id: int, body: FeedbackIn, me: Recruiter = Depends(get_current_recruiter),
             session: Session = Depends(get_session)):
    candidate = session.get(Candidate, candidate_id)
    if candidate is None or candidate.org_id != me.org_id:
        raise HTTPException(404)
    session.execute(
        text("INSERT INTO feedback (candidate_id, recruiter_id, score, notes) VALUES (:c, :r, :s, :n)"),
        {"c": candidate_id, "r": me.id, "s": body.score, "n": body.notes},
    )
    session.commit()
    return {"ok": True}


@router.get("/candidates/{candidate_id}/notes")
def interview_notes(candidate_id: int, me: Recruiter = Depends(get_current_recruiter),
                    session: Session = Depends(get_session)):
    rows = session.execute(
        text("SELECT recruiter_id, score, notes FROM feedback WHERE candidate_id = :c"), {"c": candidate_id}
    ).all()
    return [dict(r._mapping) for r in rows]


@router.get("/offers/{offer_id}")
def get_offer(offer_id: int, session: Session = Depends(get_session)):
    row = session.execute(text("SELECT * FROM offers WHERE id = :id"), {"id": offer_id}).first()
    return dict(row._mapping) if row else {}


@router.get("/reports/pipeline")
def pipeline_report(org_id: int, session: Session = Depends(get_session)):
    rows = session.execute(text(f"SELECT stage, COUNT(*) FROM candidates WHERE org_id = {org_id} GROUP BY stage")).all()
    return {stage: n for stage, n in rows}


@router.post("/candidates/{candidate_id}/invite")
def invite_candidate(candidate_id: int, session: Session = Depends(get_session)):
    candidate = session.get(Candidate, candidate_id)
    token = new_invite_token(candidate.email)
    session.execute(text("UPDATE candidates SET invite_token = :t WHERE id = :id"), {"t": token, "id": candidate_id})
    session.commit()
    return {"invited": candidate.email}
