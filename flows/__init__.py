"""Prefect flows: the platform's long work, reporting back through its REST API."""

import os

# Prefect sends usage data to its makers unless told not to: its SDK on import (DO_NOT_TRACK) and any
# server it runs (PREFECT_SERVER_ANALYTICS_ENABLED). Set before any flow module imports prefect; an
# operator's own setting is kept.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
