from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import HTMLResponse

from ..db import conn
from ..deps import get_customer

router = APIRouter(prefix="/orders")


@router.get("/{order_id}")
def get_order(order_id: int, customer: dict = Depends(get_customer)):
    row = conn.execute("SELECT id, total, address FROM orders WHERE id = ?", (order_id,)).fetchone()
    if row is None:
        raise HTTPException(404)
    return {"id": row[0], "total": row[1], "address": row[2]}


@router.get("/{order_id}/receipt", response_class=HTMLResponse)
def receipt(order_id: int, customer: dict = Depends(get_customer)):
    row = conn.execute("SELECT id, total, note FROM orders WHERE id = ? AND customer_id = ?", (order_id, customer["id"])).fetchone()
    return f"<h1>Receipt #{row[0]}</h1><p>Total {row[1]}</p><p>Note: {row[2]}</p>"


@router.post("/{order_id}/address")
def change_address(order_id: int, address: str, customer: dict = Depends(get_customer)):
    conn.execute("UPDATE orders SET address = ? WHERE id = ?", (address, order_id))
    conn.commit()
    return {"ok": True}


@router.post("/{order_id}/refund")
def refund(order_id: int):
    conn.execute("UPDATE orders SET status = 'refunded' WHERE id = ?", (order_id,))
    conn.commit()
    return {"refunded": order_id}


@router.get("/", response_class=HTMLResponse)
def list_orders(sort: str = "id", customer: dict = Depends(get_customer)):
    rows = conn.execute(f"SELECT id, total FROM orders WHERE customer_id = ? ORDER BY {sort}", (customer["id"],)).fetchall()
    items = "".join(f"<li>#{r[0]}: {r[1]}</li>" for r in rows)
    return f"<h2>Orders for {customer['name']}</h2><ul>{items}</ul>"
