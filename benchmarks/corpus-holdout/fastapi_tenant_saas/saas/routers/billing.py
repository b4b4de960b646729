from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse
from sqlalchemy import text
from sqlalchemy.orm import Session

from ..deps import Principal, get_session, require_owner, tenant_from_header

router = APIRouter(prefix="/billing", tags=["billing"])


@router.get("/invoices")
def invoices(owner: Principal = Depends(require_owner), db: Session = Depends(get_session)):
    rows = db.execute(text("SELECT * FROM invoices WHERE tenant_id = :t"), {"t": owner.tenant_id})
    return [dict(r._mapping) for r in rows]


@router.get("/usage")
def usage(tenant_id: int = Depends(tenant_from_header), db: Session = Depends(get_session)):
    rows = db.execute(text("SELECT metric, SUM(qty) FROM usage WHERE tenant_id = :t GROUP BY metric"), {"t": tenant_id})
    return {r[0]: r[1] for r in rows}


@router.get("/invoices/{invoice_id}/html", response_class=HTMLResponse)
def invoice_html(invoice_id: int, owner: Principal = Depends(require_owner), db: Session = Depends(get_session)):
    inv = db.execute(text("SELECT * FROM invoices WHERE id = :id AND tenant_id = :t"), {"id": invoice_id, "t": owner.tenant_id}).first()
    return f"<h1>Invoice {inv.number}</h1><p>Bill to: {inv.company_name}</p><p>{inv.memo}</p>"
