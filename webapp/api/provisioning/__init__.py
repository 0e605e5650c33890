"""Provisioning-token API: one-time secrets devices register with."""
