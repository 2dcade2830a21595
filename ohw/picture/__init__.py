"""Pictures of parts and of what changed in them, drawn without a display."""
