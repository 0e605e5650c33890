"""Business logic the routes call: plain functions over a session, no HTTP."""
