import os

DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:///./todo.db")
JWT_SECRET = os.environ["JWT_SECRET"]
JWT_ALGORITHM = "HS256"
ACCESS_TOKEN_MINUTES = 30
