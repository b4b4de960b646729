"""Tenant account endpoints (no router-level dependency: each route declares its own)."""
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel

from ..deps import Member, get_conn, get_current_member, get_partner, get_repo
from ..repository import InvoiceRepository

router = APIRouter(tags=["tenants"])


class CreditIn(BaseModel):
    cents: int
    reason: str


@router.get("/{tenant_id}/usage")
def usage(tenant_id: int, period: str, member: Member = Depends(get_current_member),
          repo: InvoiceRepository = Depends(get_repo)):
    if tenant_id != member.tenant_id:
        raise HTTPException(403)
    return repo.usage(tenant_id, period)


@router.get("/{tenant_id}/plan")
def plan(tenant_id: int, member: Member = Depends(get_current_member), repo: InvoiceRepository = Depends(get_repo)):
    return repo.plan_for(tenant_id)


@router.get("/{tenant_id}/invoices/export")
def export_invoices(tenant_id: int, repo: InvoiceRepository = Depends(get_repo)):
    return repo.list_for_tenant(tenant_id)


@router.post("/{tenant_id}/credits")
def grant_credit(tenant_id: int, body: CreditIn, repo: InvoiceRepository = Depends(get_repo)):
    repo.add_credit(tenant_id, body.cents, body.reason)
    return {"granted": body.cents}


@router.delete("/{tenant_id}/cards/{card_id}")
def remove_card(tenant_id: int, card_id: int, conn=Depends(get_conn)):
    with conn.cursor() as cur:
        cur.execute("DELETE FROM cards WHERE id = %s AND tenant_id = %s", (card_id, tenant_id))
    conn.commit()
    return {"deleted": card_id}


@router.get("/partner/usage")
def partner_usage(period: str, partner: dict = Depends(get_partner), repo: InvoiceRepository = Depends(get_repo)):
    return repo.usage(partner["tenant_id"], period)
