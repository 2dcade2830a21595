"""The output layer: results as text for people (rich) or JSON for programs."""
