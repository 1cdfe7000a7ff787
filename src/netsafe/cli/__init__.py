"""The `netsafe` command line (typer + rich): thin commands over the core services."""
