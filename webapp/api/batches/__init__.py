"""Batches API: the groups images land in, and their status."""
