"""One module per step of the trader flow."""
