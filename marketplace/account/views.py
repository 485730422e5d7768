"""Views of this blueprint (being built: see the issues)."""
