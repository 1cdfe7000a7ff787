"""The operation's domain: agencies, users, referrals, risk, warrants, arrests, exhibits,
safeguarding and outcomes. Services with the rules in them; storage behind repository protocols.
"""
