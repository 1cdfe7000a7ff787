"""The platform every area stands on: identity (users, sessions' second factor), roles and who a
request acts as, the agencies, who may see which police records, the hash-chained audit log, and
the demo accounts. Casework (`netsafe.operation`) and the charity's helpline (`netsafe.prevention`)
both build on it and never on each other."""
