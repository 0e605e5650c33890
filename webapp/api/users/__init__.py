"""Users API: admins manage the people of their organization and invite new ones."""
