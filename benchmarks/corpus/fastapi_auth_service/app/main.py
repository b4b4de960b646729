from fastapi import Depends, FastAPI, Form, HTTPException
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import create_engine, text

from .config import settings
from .passwords import hash_password, verify_password
from .tokens import decode, issue

app = FastAPI(debug=True)
engine = create_engine(settings.database_url)
oauth2 = OAuth2PasswordBearer(tokenUrl="/login")


def current_user(token: str = Depends(oauth2)) -> dict:
    try:
        return decode(token)
    except Exception:
        raise HTTPException(401)


@app.post("/signup")
def signup(email: str = Form(...), password: str = Form(...)):
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (email, pw) VALUES (:e, :p)"), {"e": email, "p": hash_password(password)})
    return {"ok": True}


@app.post("/login")
def login(email: str = Form(...), password: str = Form(...)):
    with engine.connect() as conn:
        row = conn.execute(text("SELECT id, pw FROM users WHERE email = '" + email + "'")).first()
    if not row or not verify_password(password, row.pw):
        raise HTTPException(401)
    return {"access_token": issue(row.id)}


@app.get("/users/{user_id}/sessions")
def sessions(user_id: int, claims: dict = Depends(current_user)):
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, ip, created FROM sessions WHERE user_id = :u"), {"u": user_id}).all()
    return [dict(r._mapping) for r in rows]


@app.delete("/users/{user_id}/sessions")
def revoke_sessions(user_id: int):
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM sessions WHERE user_id = :u"), {"u": user_id})
    return {"revoked": True}


@app.get("/me/sessions")
def my_sessions(claims: dict = Depends(current_user)):
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, ip FROM sessions WHERE user_id = :u"), {"u": int(claims["sub"])}).all()
    return [dict(r._mapping) for r in rows]
