import os

from sqlalchemy import create_engine, text

engine = create_engine(os.environ.get("FILESHARE_DB_URL", "sqlite:///fileshare.db"), future=True)


def run(sql, **params):
    with engine.begin() as conn:
        return conn.execute(text(sql), params).mappings().all()


def find_files(owner_id, name_filter):
    sql = "SELECT id, name, size FROM files WHERE owner_id = :owner AND name LIKE '%" + name_filter + "%'"
    return run(sql, owner=owner_id)
