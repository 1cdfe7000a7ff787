"""Statistics: the operation's figures computed from its records, per force and period."""
