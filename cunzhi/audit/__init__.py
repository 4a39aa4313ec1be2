"""audit.record(...) is the one call every service makes; see services.py."""
