"""Repositories: the SQL implementations of the domain packages' repository protocols."""
