"""What the trained parts share: their weight files' format and the field's scorer."""
