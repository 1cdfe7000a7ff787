"""Device triage: sources (directories, archives, disk images) yield file items; a pipeline hashes
and matches them in parallel; a journal makes a run resumable; results go to sinks (reports, the
database through a repository protocol), never straight to SQL.
"""
