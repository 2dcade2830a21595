"""One module per command; each a plain function returning an exit code."""
