"""Command-line commands, one module each; see pipeline.cli."""


class CommandError(RuntimeError):
    """An expected failure a command reports in one line (exit status 2).

    Defined here, not in pipeline.cli, so `python -m pipeline.cli` (which loads cli as __main__) and the
    commands share one class.
    """
