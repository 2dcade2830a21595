"""A design as hardware: manifest, BOM, instructions and settings, held to their schemas."""
