"""YAML read safely, as JSON-compatible data with the line and column of every value."""
