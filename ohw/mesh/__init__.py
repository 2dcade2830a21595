"""Meshes: reading STL, 3MF and OBJ, exact analysis, verdicts, repair, worker processes."""
