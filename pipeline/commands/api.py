"""`wathiqa api [--host H] [--port P]` serves the archive API; `wathiqa api-key --role R --name N` makes a key."""

from __future__ import annotations

import argparse

from pipeline.settings import get_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("api", help="serve the archive API")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.set_defaults(func=serve)
    keys = subparsers.add_parser("api-key", help="create an API key (printed once, stored hashed)")
    keys.add_argument("--role", required=True, choices=["uploader", "renewal_service", "archivist", "admin"])
    keys.add_argument("--name", required=True, help="who holds the key (e.g. the service's name)")
    keys.set_defaults(func=create_key)


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from archive_api.app import create_app

    # Access logs carry paths with person and document ids: keep them out of the server log.
    uvicorn.run(create_app(get_settings()), host=args.host, port=args.port, access_log=False)
    return 0


def create_key(args: argparse.Namespace) -> int:
    from archive_api.auth import KeyStore
    from pipeline.blobstore import open_blobstore

    print(KeyStore(open_blobstore(get_settings())).create(args.role, args.name))
    return 0
