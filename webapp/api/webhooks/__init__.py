"""Webhooks API: admins register endpoints that hear the organization's events, and read their deliveries."""
