"""Signal types: one small class per fingerprint (md5, sha1, sha256, pdq)."""
