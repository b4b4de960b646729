"""Billing administration. Every route requires a billing admin."""
from fastapi import APIRouter, Depends

from ..deps import get_conn, require_billing_admin

router = APIRouter(dependencies=[Depends(require_billing_admin)], tags=["admin"])


@router.get("/tenants")
def all_tenants(conn=Depends(get_conn)):
    with conn.cursor() as cur:
        cur.execute("SELECT id, name, plan FROM tenants ORDER BY name")
        return cur.fetchall()


@router.post("/tenants/{tenant_id}/suspend")
def suspend(tenant_id: int, conn=Depends(get_conn)):
    with conn.cursor() as cur:
        cur.execute("UPDATE tenants SET suspended = true WHERE id = %s", (tenant_id,))
    conn.commit()
    return {"suspended": tenant_id}
