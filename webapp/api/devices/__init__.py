"""Devices API: provisioning (public) and fleet management (users)."""
