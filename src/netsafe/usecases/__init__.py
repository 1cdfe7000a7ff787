"""Use cases: what a user does, start to end, over the domain and the store, called alike by the
CLI, the web app and the demo (which only parse, call and show). A use case may import the
domain packages and `netsafe.store`, never `netsafe.web` or `netsafe.cli` (an import contract)."""
