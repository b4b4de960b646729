from pathlib import Path

import yaml
from fastapi import Depends, FastAPI, File, Form, HTTPException, Response, UploadFile
from fastapi.responses import HTMLResponse
from markupsafe import escape

from .auth import current_employee, finance_only, hash_password, new_session, temporary_password
from .repository import ClaimRepository, get_repo

RECEIPTS = Path("/var/claims/receipts")
app = FastAPI()


@app.post("/login")
def login(response: Response, email: str = Form(...), password: str = Form(...), repo: ClaimRepository = Depends(get_repo)):
    row = repo.conn.execute("SELECT * FROM employees WHERE email = ?", (email,)).fetchone()
    if row is None or hash_password(password, row["salt"])[1] != row["pw_hash"]:
        raise HTTPException(401)
    response.set_cookie("claims_sid", new_session(dict(row)), httponly=True)
    return {"ok": True}


@app.get("/claims")
def my_claims(emp: dict = Depends(current_employee), repo: ClaimRepository = Depends(get_repo)):
    return [dict(r) for r in repo.list_for(emp["id"])]


@app.get("/claims/{claim_id}")
def claim_detail(claim_id: int, emp: dict = Depends(current_employee), repo: ClaimRepository = Depends(get_repo)):
    claim = repo.get(claim_id)
    if claim is None:
        raise HTTPException(404)
    return dict(claim)


@app.post("/claims")
async def submit_claim(amount: float = Form(...), category: str = Form(...), receipt: UploadFile = File(...),
                       emp: dict = Depends(current_employee), repo: ClaimRepository = Depends(get_repo)):
    target = RECEIPTS / Path(receipt.filename).name
    target.write_bytes(await receipt.read())
    return {"id": repo.add(emp["id"], amount, category, target.name)}


@app.get("/receipts")
def receipt(name: str, emp: dict = Depends(current_employee)):
    return Response((RECEIPTS / name).read_bytes(), media_type="application/octet-stream")


@app.post("/claims/{claim_id}/approve")
def approve(claim_id: int, fin: dict = Depends(finance_only), repo: ClaimRepository = Depends(get_repo)):
    repo.approve(claim_id, fin["id"])
    return {"approved": claim_id}


@app.get("/reports/totals")
def totals(group_by: str = "category", fin: dict = Depends(finance_only), repo: ClaimRepository = Depends(get_repo)):
    return [list(r) for r in repo.totals_by(group_by)]


@app.post("/claims/import")
async def import_claims(file: UploadFile = File(...), emp: dict = Depends(current_employee), repo: ClaimRepository = Depends(get_repo)):
    data = yaml.load(await file.read(), Loader=yaml.Loader)
    ids = [repo.add(emp["id"], c["amount"], c["category"], "") for c in data["claims"]]
    return {"imported": ids}


@app.post("/claims/import-safe")
async def import_claims_safe(file: UploadFile = File(...), emp: dict = Depends(current_employee), repo: ClaimRepository = Depends(get_repo)):
    data = yaml.safe_load(await file.read())
    return {"count": len(data.get("claims", []))}


@app.get("/claims/{claim_id}/summary", response_class=HTMLResponse)
def summary(claim_id: int, emp: dict = Depends(current_employee), repo: ClaimRepository = Depends(get_repo)):
    claim = repo.conn.execute("SELECT * FROM claims WHERE id = ? AND employee_id = ?", (claim_id, emp["id"])).fetchone()
    if claim is None:
        raise HTTPException(404)
    return f"<h1>Claim {claim['id']}</h1><p>{escape(claim['category'])}</p><p>{claim['receipt']}</p>"


@app.post("/employees/{employee_id}/reset")
def reset_password(employee_id: int, repo: ClaimRepository = Depends(get_repo)):
    password = temporary_password()
    salt, digest = hash_password(password)
    repo.conn.execute("UPDATE employees SET salt = ?, pw_hash = ? WHERE id = ?", (salt, digest, employee_id))
    repo.conn.commit()
    return {"temporary_password": password}


@app.delete("/claims/{claim_id}")
def withdraw(claim_id: int, emp: dict = Depends(current_employee), repo: ClaimRepository = Depends(get_repo)):
    repo.conn.execute("DELETE FROM claims WHERE id = ? AND status = 'pending'", (claim_id,))
    repo.conn.commit()
    return {"withdrawn": claim_id}


@app.get("/claims/search/by-merchant")
def by_merchant(merchant: str, emp: dict = Depends(current_employee), repo: ClaimRepository = Depends(get_repo)):
    rows = repo.conn.execute(
        "SELECT id, amount FROM claims WHERE employee_id = %d AND merchant = '%s'" % (emp["id"], merchant)
    ).fetchall()
    return [dict(r) for r in rows]


@app.get("/policy", response_class=HTMLResponse)
def policy(section: str = "travel"):
    return f"<h1>Expense policy</h1><section id='{section}'>See the handbook.</section>"


@app.post("/policy/rules/test")
def test_rule(rule: str = Form(...), amount: float = Form(...), fin: dict = Depends(finance_only)):
    return {"flagged": bool(eval(rule, {"__builtins__": {}}, {"amount": amount}))}
