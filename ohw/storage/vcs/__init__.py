"""Every call to git through pygit2: repositories, commits, branches, remotes, merges."""
