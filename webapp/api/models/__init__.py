"""Model versions API: the registry of trained models."""
