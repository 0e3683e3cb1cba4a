"""Presentation mode (webinars on real data): pseudonyms from a keyed shuffle."""
