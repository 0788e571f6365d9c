"""The command line: argument parsing, the commands, human and machine output, prompts."""
