"""`wathiqa demo`: it generates its sample documents with the fixture generator of the checkout."""

import subprocess
import sys


def test_the_installed_command_loads_the_sample_document_generator_with_its_neighbour_modules(tmp_path):
    # Run from elsewhere, as `make demo` runs the installed command: the checkout is not on its import
    # path, and the generator imports its neighbours in `tests.fixtures`.
    code = "from pipeline.commands.demo import _document_generator; print(_document_generator().make_document.__name__)"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "make_document"
