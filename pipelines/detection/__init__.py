"""Object detection: a small anchor-free detector, its training, evaluation and synthetic scenes."""
