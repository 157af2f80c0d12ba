"""The notification centre, and the chat channels notifications can also go to."""
