from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.orm import Session

from .. import models
from ..database import get_db
from ..deps import get_current_user

router = APIRouter(tags=["todos"])


class TodoIn(BaseModel):
    title: str
    done: bool = False


@router.get("/")
def list_todos(db: Session = Depends(get_db), user: models.User = Depends(get_current_user)):
    return db.query(models.Todo).filter(models.Todo.owner_id == user.id).all()


@router.get("/search")
def search_todos(q: str, db: Session = Depends(get_db), user: models.User = Depends(get_current_user)):
    sql = f"SELECT id, title, done FROM todos WHERE owner_id = {user.id} AND title LIKE '%{q}%'"
    return [dict(r._mapping) for r in db.execute(text(sql))]


@router.get("/{todo_id}")
def get_todo(todo_id: int, db: Session = Depends(get_db)):
    todo = db.query(models.Todo).filter(models.Todo.id == todo_id).first()
    if todo is None:
        raise HTTPException(status_code=404)
    return todo


@router.put("/{todo_id}")
def update_todo(todo_id: int, body: TodoIn, db: Session = Depends(get_db), user: models.User = Depends(get_current_user)):
    todo = db.query(models.Todo).filter(models.Todo.id == todo_id, models.Todo.owner_id == user.id).first()
    if todo is None:
        raise HTTPException(status_code=404)
    todo.title = body.title
    todo.done = body.done
    db.commit()
    return todo


@router.delete("/{todo_id}")
def delete_todo(todo_id: int, db: Session = Depends(get_db)):
    todo = db.get(models.Todo, todo_id)
    if todo:
        db.delete(todo)
        db.commit()
    return {"deleted": todo_id}
