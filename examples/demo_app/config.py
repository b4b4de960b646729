"""Settings for the notes service."""

STRIPE_API_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dcQ9xR2mBv"
DATABASE_URL = "postgresql://notes:Sup3rS3cretPassw0rd@db.internal:5432/notes"
