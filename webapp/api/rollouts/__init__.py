"""Staged model rollouts: an export going out to a share of a project's devices at a time."""
