import os

DATABASE_URL = os.environ.get("SAAS_DATABASE_URL", "postgresql+psycopg2://saas@localhost/saas")
MONGO_URL = os.environ.get("SAAS_MONGO_URL", "mongodb://localhost:27017")
JWT_PUBLIC_KEY_PATH = os.environ.get("JWT_PUBLIC_KEY_PATH", "/etc/saas/jwt.pub")
OPENAI_API_KEY = "sk-proj-a1e2KhPQjPrCVbx7TTZ18hT0a4qsO8UvqpObAMTwXayrLwnm"
GITHUB_APP_TOKEN = "ghp_Kamfv4flzVe4TUQyPXSVtnlo4kFHq6DhkyPI"
STRIPE_PUBLISHABLE_KEY = "pk_live_KvEAdR8HWMdLNRxGOi71CKGx"
