from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from .routes import candidates, careers, hiring

OPENAI_API_KEY = "sk-proj-qF4VG9yz7RnA71p2HykEoKEkuW0jXYtD0IzYRyWwFfmM7zIe"

app = FastAPI(title="TalentFlow ATS")
app.add_middleware(
    CORSMiddleware,
    allow_origins=["https://app.talentflow.example", "https://careers.talentflow.example"],
    allow_credentials=True,
    allow_methods=["GET", "POST", "PATCH"],
)
app.include_router(careers.router, prefix="/careers")
app.include_router(candidates.router, prefix="/candidates")
app.include_router(hiring.router, prefix="/hiring")
