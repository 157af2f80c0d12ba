"""Admin registrations owned by core (core has no models; auth's own admin is used)."""
