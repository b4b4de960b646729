import os

from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware

from api import documents

app = FastAPI()
app.add_middleware(SessionMiddleware, secret_key=os.environ["SESSION_SECRET"], https_only=True)
app.include_router(documents.router)


@app.get("/healthz")
async def healthz():
    return {"ok": True}
