"""Known-hash lists: the list model and one reader/writer module per format."""
