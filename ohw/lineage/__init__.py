"""Where a design comes from: forks, remixes, credits, ancestry, licence compatibility."""
