"""Programs that use the platform from outside, over its REST API: a device, the demo."""
