"""`wathiqa services up|down|status`: the local OpenSearch node and S3 server."""

from __future__ import annotations

import argparse

from pipeline.commands import CommandError
from pipeline.services import ServiceError, all_services
from pipeline.settings import get_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("services", help="start, stop or report the local OpenSearch and S3")
    parser.add_argument("action", choices=["up", "down", "status"])
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for readiness")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:

    services = all_services(get_settings())
    try:
        if args.action == "up":
            for service in services:
                print(service.up(timeout=args.timeout).line(), flush=True)
        elif args.action == "down":
            for service in reversed(services):
                stopped = service.down()
                print(f"{service.name:<11} {'stopped' if stopped else 'was not started by us'}")
        else:
            statuses = [s.status() for s in services]
            for status in statuses:
                print(status.line())
            return 0 if all(s.running for s in statuses) else 3
    except ServiceError as exc:
        raise CommandError(str(exc)) from None
    return 0
