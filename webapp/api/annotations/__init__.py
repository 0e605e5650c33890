"""Annotations API: labels of images and their history."""
