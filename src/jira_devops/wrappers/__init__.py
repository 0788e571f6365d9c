"""The Python side of the CI wrappers (the GitHub Action)."""
