"""Importers of the feedback app: survey responses and complaints (registered in ready())."""
