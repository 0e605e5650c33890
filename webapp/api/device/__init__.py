"""Device API: what a device itself calls with its X-Device-Key."""
