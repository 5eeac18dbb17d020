"""Ingestion: load files, clean and chunk them, and sync the chunks into the store."""
