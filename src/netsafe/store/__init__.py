"""Storage: SQLAlchemy 2 models, repositories and Alembic migrations — the one place that knows SQL.

Sessions are opened by the caller (one transaction per request or command); nothing here commits
on its own.
"""
