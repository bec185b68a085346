"""The test process's own child processes, to show that nothing is left running."""

from __future__ import annotations

import os
import subprocess


def tesseract_children() -> set[int]:
    """Process ids of this process's children running Tesseract (the command or a kept-loaded worker)."""
    found = subprocess.run(["pgrep", "-P", str(os.getpid()), "-f", "tesseract"], capture_output=True, text=True)
    return {int(pid) for pid in found.stdout.split()}
