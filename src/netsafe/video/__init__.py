"""Video: containers recognised by content, decoding within limits, vPDQ (Meta's video PDQ)."""
