"""Start-up shortcuts of `ohw check`: arguments pre-read, reports replayed, workers ahead."""
