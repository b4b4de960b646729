import os

from sqlalchemy import Column, ForeignKey, Integer, String, Text, create_engine
from sqlalchemy.orm import declarative_base, sessionmaker

engine = create_engine(os.environ.get("TALENTFLOW_DB", "postgresql+psycopg://talentflow@localhost/talentflow"))
SessionLocal = sessionmaker(bind=engine)
Base = declarative_base()


class Recruiter(Base):
    __tablename__ = "recruiters"
    id = Column(Integer, primary_key=True)
    org_id = Column(Integer, nullable=False)
    email = Column(String(200), unique=True)


class Candidate(Base):
    __tablename__ = "candidates"
    id = Column(Integer, primary_key=True)
    org_id = Column(Integer, nullable=False)
    job_id = Column(Integer, ForeignKey("jobs.id"))
    name = Column(String(200))
    email = Column(String(200))
    cover_letter = Column(Text)
    stage = Column(String(40), default="applied")


class Job(Base):
    __tablename__ = "jobs"
    id = Column(Integer, primary_key=True)
    org_id = Column(Integer, nullable=False)
    title = Column(String(200))
    open = Column(Integer, default=1)


def get_session():
    session = SessionLocal()
    try:
        yield session
    finally:
        session.close()
