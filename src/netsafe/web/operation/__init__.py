"""The operation's pages (server-rendered, Jinja2): dashboard, queue, case, warrant and exhibit."""
