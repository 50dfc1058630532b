"""Redaction: consistent pseudonyms for sharing dumps, and the secret patterns no output may
carry."""
