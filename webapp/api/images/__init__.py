"""Images API: browsing and curating images (their bytes are served by webapp.api.files)."""
