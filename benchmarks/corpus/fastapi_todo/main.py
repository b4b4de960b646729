from fastapi import Depends, FastAPI

from .deps import get_current_user
from .routers import admin, auth, health, todos

app = FastAPI(title="Todo API")

app.include_router(health.router)
app.include_router(auth.router, prefix="/auth")
app.include_router(todos.router, prefix="/todos", dependencies=[Depends(get_current_user)])
app.include_router(admin.router, prefix="/admin")
