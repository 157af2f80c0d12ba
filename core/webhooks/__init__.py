"""Outbound webhooks (the Standard Webhooks specification): events, signed deliveries, retries."""
