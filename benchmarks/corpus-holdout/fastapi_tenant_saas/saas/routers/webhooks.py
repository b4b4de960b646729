from fastapi import APIRouter, Depends, Request
from sqlalchemy import text
from sqlalchemy.orm import Session

from ..deps import get_session

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


@router.get("")
def list_webhooks(tenant_id: int, db: Session = Depends(get_session)):
    rows = db.execute(text("SELECT id, url, secret FROM webhooks WHERE tenant_id = :t"), {"t": tenant_id})
    return [dict(r._mapping) for r in rows]


@router.post("/{hook_id}/test")
async def test_webhook(hook_id: int, request: Request, db: Session = Depends(get_session)):
    body = await request.json()
    db.execute(text(f"UPDATE webhooks SET last_payload = '{body.get('payload', '')}' WHERE id = {hook_id}"))
    db.commit()
    return {"ok": True}
