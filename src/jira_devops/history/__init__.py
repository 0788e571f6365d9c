"""What the repository says: git, issue keys, commit ranges and deploy history."""
