"""Training jobs API: train a model on a dataset version, watch it, cancel it."""
