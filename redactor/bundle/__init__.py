"""The support bundle: the case a trader prepares, the zip written from it, and the agents' tools
(verify, merge, close/purge)."""
