"""Tenant billing API."""
import os

import stripe
from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from .deps import get_current_member
from .routers import admin, invoices, public, tenants

stripe.api_key = "sk_live_83GJm06QyFiWkLycAlxev4mC"
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")

app = FastAPI(title="Tenant Billing")
app.add_middleware(
    CORSMiddleware,
    allow_origin_regex=".*",
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)

app.include_router(public.router)
app.include_router(invoices.router, prefix="/invoices", dependencies=[Depends(get_current_member)])
app.include_router(tenants.router, prefix="/tenants")
app.include_router(admin.router, prefix="/admin")


@app.get("/healthz")
def healthz():
    return {"ok": True}
