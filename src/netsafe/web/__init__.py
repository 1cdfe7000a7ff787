"""The web platform (FastAPI): JSON API under /api/v1, server-rendered pages, health."""
