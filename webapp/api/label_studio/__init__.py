"""The Label Studio integration API: links, pushes, pulls, signed image URLs and the webhook."""
