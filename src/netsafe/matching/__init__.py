"""Matching indexes: exact sets for cryptographic hashes, Hamming range search for PDQ."""
