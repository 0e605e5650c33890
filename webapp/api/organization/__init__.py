"""Organization API: the caller's tenant."""
