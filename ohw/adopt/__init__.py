"""`ohw adopt`: an existing repository read as a design, as it is, without moving a file."""
