"""The import mechanism: CSV uploads and JSON batches loaded by the importers apps register."""
