"""Police casework: referrals, risk, subjects, warrants, arrests, exhibits, safeguarding and
outcomes. Services with the rules in them; storage behind repository protocols. Users, roles,
agencies, visibility rules and the audit log are the platform's (`netsafe.platform`).
"""
