"""Command-line commands, one module each; see pipeline.cli."""
