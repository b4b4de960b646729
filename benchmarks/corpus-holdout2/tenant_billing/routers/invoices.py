"""Invoice endpoints. Mounted with get_current_member as a router dependency."""
from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import HTMLResponse
from html import escape
from pydantic import BaseModel

from ..deps import Member, get_current_member, get_repo
from ..repository import InvoiceRepository

router = APIRouter(tags=["invoices"])


class MemoIn(BaseModel):
    memo: str


@router.get("/")
def my_invoices(member: Member = Depends(get_current_member), repo: InvoiceRepository = Depends(get_repo)):
    return repo.list_for_tenant(member.tenant_id)


@router.get("/search")
def search_invoices(customer: str, status: str | None = None, member: Member = Depends(get_current_member),
                    repo: InvoiceRepository = Depends(get_repo)):
    return repo.search(member.tenant_id, customer, status)


@router.get("/batch")
def batch(ids: str, member: Member = Depends(get_current_member), repo: InvoiceRepository = Depends(get_repo)):
    return repo.invoices_by_ids(member.tenant_id, ids)


@router.get("/{invoice_id}")
def get_invoice(invoice_id: int, repo: InvoiceRepository = Depends(get_repo)):
    invoice = repo.get_invoice(invoice_id)
    if invoice is None:
        raise HTTPException(404)
    return invoice


@router.get("/{invoice_id}/html", response_class=HTMLResponse)
def invoice_html(invoice_id: int, member: Member = Depends(get_current_member),
                 repo: InvoiceRepository = Depends(get_repo)):
    invoice = repo.get_invoice_for_tenant(invoice_id, member.tenant_id)
    if invoice is None:
        raise HTTPException(404)
    return f"<h1>Invoice {invoice['number']}</h1><p>Bill to: {invoice['customer_name']}</p><p>{invoice['memo']}</p>"


@router.get("/{invoice_id}/summary", response_class=HTMLResponse)
def invoice_summary(invoice_id: int, member: Member = Depends(get_current_member),
                    repo: InvoiceRepository = Depends(get_repo)):
    invoice = repo.get_invoice(invoice_id)
    if invoice is None or invoice["tenant_id"] != member.tenant_id:
        raise HTTPException(404)
    return f"<p>{escape(invoice['customer_name'])}: {escape(str(invoice['total']))}</p>"


@router.patch("/{invoice_id}/memo")
def update_memo(invoice_id: int, body: MemoIn, repo: InvoiceRepository = Depends(get_repo)):
    repo.set_memo(invoice_id, body.memo)
    return {"ok": True}
