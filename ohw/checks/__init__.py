"""The checks of a design: each a function from the design to findings."""
