import re

from fastapi import APIRouter, Body, Depends

from ..deps import Principal, get_principal, mongo

router = APIRouter(prefix="/audit", tags=["audit"])
events = mongo.saas.audit_events


@router.get("")
def list_events(actor: str = "", principal: Principal = Depends(get_principal)):
    query = {"tenant_id": principal.tenant_id}
    if actor:
        query["actor"] = {"$regex": "^" + re.escape(actor)}
    return list(events.find(query, {"_id": 0}).limit(100))


@router.post("/query")
def query_events(filters: dict = Body(...), principal: Principal = Depends(get_principal)):
    return list(events.find({"tenant_id": principal.tenant_id, **filters}, {"_id": 0}).limit(100))


@router.delete("/{event_id}")
def delete_event(event_id: str, principal: Principal = Depends(get_principal)):
    events.delete_one({"event_id": event_id})
    return {"deleted": event_id}
