"""The command line: entry point, click app, one module per command, errors made messages."""
