"""Open Know-How manifests (okh.toml, okh.yml): read, imported into ohw.yaml, exported from it."""
