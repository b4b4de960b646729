"""Public careers site: job board and applications."""
import httpx
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import Candidate, Job, get_session

router = APIRouter(tags=["careers"])

ALLOWED_RETURN_HOSTS = {"careers.talentflow.example"}


@router.get("/jobs")
def open_jobs(session: Session = Depends(get_session)):
    jobs = session.scalars(select(Job).where(Job.open == 1)).all()
    return [{"id": j.id, "title": j.title} for j in jobs]


@router.post("/jobs/{job_id}/apply")
async def apply(job_id: int, request: Request, name: str = Form(...), email: str = Form(...),
                cover_letter: str = Form(""), resume_url: str = Form(""),
                session: Session = Depends(get_session)):
    job = session.get(Job, job_id)
    if resume_url:
        async with httpx.AsyncClient() as client:
            resume = await client.get(resume_url, timeout=15)
        cover_letter += "\n\n" + resume.text[:5000]
    session.add(Candidate(org_id=job.org_id, job_id=job.id, name=name, email=email, cover_letter=cover_letter))
    session.commit()
    return RedirectResponse(request.query_params.get("return_to", "/careers/thanks"), status_code=303)


@router.get("/thanks")
def thanks(request: Request, back: str = "/careers/jobs"):
    from urllib.parse import urlparse
    target = back if urlparse(back).hostname in ALLOWED_RETURN_HOSTS else "/careers/jobs"
    return RedirectResponse(target)
