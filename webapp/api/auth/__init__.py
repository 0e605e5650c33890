"""Sign-in API: OpenID Connect login, the platform's tokens, refresh, logout and the caller."""
