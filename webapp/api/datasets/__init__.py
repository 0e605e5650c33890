"""Dataset versions API: frozen, DVC-versioned selections of annotated images."""
