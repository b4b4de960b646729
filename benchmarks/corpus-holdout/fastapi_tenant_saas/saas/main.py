from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from .deps import get_principal
from .routers import audit, billing, projects, webhooks

app = FastAPI(title="Tenant SaaS")
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"], allow_headers=["*"])
app.include_router(projects.router, dependencies=[Depends(get_principal)])
app.include_router(billing.router)
app.include_router(audit.router, dependencies=[Depends(get_principal)])
app.include_router(webhooks.router)


@app.get("/healthz")
def healthz():
    return {"status": "ok"}
