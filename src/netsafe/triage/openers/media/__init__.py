"""Storage-media image formats, one module each (see `openers.interfaces.MediaFormat`)."""
