"""Image files API: an image's original bytes and its thumbnail, for users."""
