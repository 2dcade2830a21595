"""Meshes: reading STL, 3MF and OBJ, and what a maker needs to know before printing."""
