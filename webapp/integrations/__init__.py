"""Integrations: outside systems the platform works with, above the core (``webapp/services``).

An integration may import the core; the core never imports an integration. It learns what happens in
the core from the core's signals (``webapp/services/events.py``), to which it subscribes once, in the
app factory.
"""
