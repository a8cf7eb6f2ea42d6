"""The web UI's tabs, one module each: its components laid out, and its events wired to its handlers."""
