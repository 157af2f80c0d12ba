"""Importers of the stakeholders app: customer activity (registered in ready())."""
