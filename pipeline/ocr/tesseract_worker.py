"""A Tesseract that stays loaded: one process reading many images, each language set's models loaded once.

Loading the models is most of what a short Tesseract run costs (about 0.2 s of CPU for `eng`, against a
few hundredths for reading a line), and a page asks for several runs: the page, then crops with other
languages, modes and whitelists. This process is started by `pipeline.ocr.engine`, by path and not
imported (it needs only the standard library and libtesseract, so it starts in milliseconds), and reads
requests on its standard input, one JSON object a line:

    {"images": PATH, "languages": "ara+eng", "psm": 7, "whitelist": null, "output": BASE}

PATH is an image or a file listing images, read as the `tesseract` command reads them (the same library
call, `ProcessPages`); the words go to BASE.tsv in the command's TSV. Each request is answered with a
line, `ok` or `error` and why. It exits when its standard input closes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import sys

_API = ctypes.c_void_p


def _library() -> ctypes.CDLL:
    lib = ctypes.CDLL(ctypes.util.find_library("tesseract") or "libtesseract.so.5")
    lib.TessBaseAPICreate.restype = _API
    lib.TessBaseAPIDelete.argtypes = [_API]
    lib.TessBaseAPIInit3.argtypes = [_API, ctypes.c_char_p, ctypes.c_char_p]
    lib.TessBaseAPIInit3.restype = ctypes.c_int
    lib.TessBaseAPISetVariable.argtypes = [_API, ctypes.c_char_p, ctypes.c_char_p]
    lib.TessBaseAPISetVariable.restype = ctypes.c_int
    lib.TessBaseAPISetPageSegMode.argtypes = [_API, ctypes.c_int]
    lib.TessTsvRendererCreate.argtypes = [ctypes.c_char_p]
    lib.TessTsvRendererCreate.restype = ctypes.c_void_p
    lib.TessDeleteResultRenderer.argtypes = [ctypes.c_void_p]
    lib.TessBaseAPIProcessPages.argtypes = [_API, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_void_p]
    lib.TessBaseAPIProcessPages.restype = ctypes.c_int
    return lib


class _Engines:
    def __init__(self) -> None:
        self.lib = _library()
        self.apis: dict[str, int] = {}

    def api(self, languages: str) -> int | None:
        if languages not in self.apis:
            api = self.lib.TessBaseAPICreate()
            if self.lib.TessBaseAPIInit3(api, None, languages.encode()) != 0:
                self.lib.TessBaseAPIDelete(api)
                return None
            self.apis[languages] = api
        return self.apis[languages]

    def close(self) -> None:
        for api in self.apis.values():
            self.lib.TessBaseAPIDelete(api)

    def read(self, request: dict) -> str:
        api = self.api(request["languages"])
        if api is None:
            return f"error cannot load the language models {request['languages']!r}"
        self.lib.TessBaseAPISetPageSegMode(api, int(request["psm"]))
        # Set on every request: a variable keeps its value from one request to the next.
        self.lib.TessBaseAPISetVariable(api, b"tessedit_char_whitelist", (request["whitelist"] or "").encode())
        renderer = self.lib.TessTsvRendererCreate(request["output"].encode())
        try:
            done = self.lib.TessBaseAPIProcessPages(api, request["images"].encode(), None, 0, renderer)
        finally:
            self.lib.TessDeleteResultRenderer(renderer)  # closes BASE.tsv
        return "ok" if done else "error cannot read the image"


def main() -> None:
    engines = _Engines()
    try:
        for line in sys.stdin:
            sys.stdout.write(engines.read(json.loads(line)) + "\n")
            sys.stdout.flush()
    finally:
        engines.close()


if __name__ == "__main__":
    main()
