"""A Fab Lab's library of designs: URLs, mirrors of them, and an offline search index."""
