"""`wathiqa api [--host H] [--port P]` serves the archive API and the archivist's page;
`wathiqa api create-key --role R --name N` makes an API key (printed once, stored hashed)."""

from __future__ import annotations

import argparse

from archive_api.roles import ROLES
from pipeline.commands import CommandError
from pipeline.settings import get_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("api", help="serve the archive API and the archivist's page")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1, help="server processes (each with its own audit writer)")
    parser.set_defaults(func=serve)
    actions = parser.add_subparsers(dest="api_action", required=False, metavar="create-key")
    keys = actions.add_parser("create-key", help="create an API key (printed once, stored hashed)")
    keys.add_argument("--role", required=True, choices=ROLES)
    keys.add_argument("--name", required=True, help="who holds the key (e.g. the service's name)")
    keys.set_defaults(func=create_key)


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from archive_api.app import create_app

    if not 0 < args.port < 65536:
        raise CommandError(f"--port must be 1-65535, got {args.port}")
    if not 0 < args.workers <= 64:
        raise CommandError(f"--workers must be 1-64, got {args.workers}")
    # Access logs carry paths with person and document ids: keep them out of the server log.
    options = {"host": args.host, "port": args.port, "access_log": False}
    if args.workers == 1:
        uvicorn.run(create_app(get_settings()), **options)
    else:  # each worker process builds its own app from the same WATHIQA_* settings
        uvicorn.run("archive_api.app:create_app", factory=True, workers=args.workers, **options)
    return 0


def create_key(args: argparse.Namespace) -> int:
    from archive_api.auth import KeyStore
    from pipeline.blobstore import open_blobstore

    if not args.name.strip() or len(args.name) > 100:
        raise CommandError("--name must be 1-100 characters")
    print(KeyStore(open_blobstore(get_settings())).create(args.role, args.name))
    return 0
