"""Safe hand-off of a bundle: age encryption to the agent's key, agent keys and requests, the public profile."""
