"""`wathiqa freshness --person ID --service S [--as-of DATE] [--json]`: reuse or upload again, and why."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

from pipeline.commands import CommandError
from pipeline.settings import Settings, get_settings


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a date as YYYY-MM-DD, got {value!r}") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("freshness", help="which stored documents a service can reuse, and why")
    parser.add_argument("--person", required=True, help="the person the service is for")
    parser.add_argument("--service", required=True, help="e.g. residency_renewal.spouse (the rules file lists all)")
    parser.add_argument("--as-of", type=_iso_date, help="decision date (default today in the ministry's time zone)")
    parser.add_argument("--json", action="store_true", help="DESIGN's JSON answer")
    parser.set_defaults(func=run)


def decide_for_person(settings: Settings, person_id: str, service: str, as_of: date | None = None) -> dict[str, Any]:
    """The person's records from the index (one query), then the pure decision."""
    from pipeline.commands.search import search_service
    from pipeline.freshness import RulesError, UnknownService, decide, load_rules
    from pipeline.search import SearchIndex
    from pipeline.search.client import open_search_client

    try:
        rules = load_rules(settings.rules_file)
    except RulesError as exc:
        raise CommandError(str(exc)) from None
    with search_service(settings):
        records = SearchIndex(open_search_client(settings), settings).records_for_person(person_id)
    try:
        return decide(person_id, service, as_of or settings.today(), records, rules).to_dict()
    except UnknownService as exc:
        raise CommandError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    answer = decide_for_person(get_settings(), args.person, args.service, args.as_of)
    if args.json:
        print(json.dumps(answer, ensure_ascii=False))
        return 0
    print(f"{answer['person_id']}  {answer['service']}  as of {answer['as_of']}  (rules {answer['rules_version']})")
    for requirement in answer["requirements"]:
        print(f"  {requirement['requirement']:<22} {requirement['decision']:<8} {requirement['document_id'] or '-'}")
        for reason in requirement["reasons"]:
            print(f"      {reason['code']}: {reason['en']}")
            print(f"      {reason['ar']}")
    return 0
