"""The one error the text stage raises for bad input; its message is a one-line reason."""


class OcrError(ValueError):
    """The document cannot be read (corrupt, too large, unsupported); the message says why."""
