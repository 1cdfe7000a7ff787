"""Content openers: kinds of file that hold other items (see `openers.interfaces.ContentOpener`)."""
