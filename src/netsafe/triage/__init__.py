"""Device triage: sources yield file items, a pipeline hashes and matches them into a sink."""
