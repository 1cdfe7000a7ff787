"""Prevention: anonymous help-seeking records, self-help counts and deterrence messages."""
