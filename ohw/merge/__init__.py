"""The semantic three-way merge of manifests and BOMs, and the git merge that uses it."""
