"""The agent view: open and verify a bundle, merge, close and purge cases."""
