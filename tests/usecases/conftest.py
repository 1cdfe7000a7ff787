"""The use cases' tests share the triage tests' generated images and known-hash matcher."""

from tests.triage.conftest import known

__all__ = ["known"]
