"""The field: how deployed models do on devices, and drift."""
