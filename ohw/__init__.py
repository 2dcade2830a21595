"""ohw: open-hardware designs as git repositories."""

__version__ = "0.1.0"
