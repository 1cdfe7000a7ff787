"""Reports: HTML and PDF documents for the case file and the operation's briefings."""
