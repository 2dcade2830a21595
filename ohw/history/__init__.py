"""A design through time: what changed between revisions; its log and variants."""
