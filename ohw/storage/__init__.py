"""Where designs are kept: files on disk and at commits, git, YAML, caches by content."""
