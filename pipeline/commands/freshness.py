"""`wathiqa freshness --person ID --service S [--as-of DATE] [--json]`: reuse or upload again, and why."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

from pipeline.settings import Settings, get_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    from pipeline.freshness import SERVICES

    parser = subparsers.add_parser("freshness", help="which stored documents a service can reuse, and why")
    parser.add_argument("--person", required=True, help="the person the service is for")
    parser.add_argument("--service", required=True, choices=SERVICES)
    parser.add_argument("--as-of", type=date.fromisoformat, help="decision date (default today)")
    parser.add_argument("--json", action="store_true", help="DESIGN's JSON answer")
    parser.set_defaults(func=run)


def decide_for_person(settings: Settings, person_id: str, service: str, as_of: date | None = None) -> dict[str, Any]:
    """The person's records from the index (one query), then the pure decision."""
    from pipeline.freshness import decide, load_rules
    from pipeline.search import SearchIndex
    from pipeline.search.client import open_search_client

    records = SearchIndex(open_search_client(settings), settings).records_for_person(person_id)
    rules = load_rules(settings.rules_file)
    return decide(person_id, service, as_of or settings.today(), records, rules).to_dict()


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
