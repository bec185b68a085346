"""`wathiqa demo`: services up, a family's sample documents through the pipeline, answers printed.

The demo keeps its own data folder (`var/demo`) and index prefix (`demo`), wiped at each start, so it
never touches development data and always shows the same story.
"""

from __future__ import annotations

import argparse
import importlib
import json
import shutil
import sys
from datetime import date

from pipeline.commands import CommandError
from pipeline.settings import project_root, settings_with

# (file stem, generator type, case, person, relation, sponsor, declared type)
FAMILY = [
    ("sponsor-passport", "passport", "genuine", "S-1001", "self", None, "passport"),
    ("sponsor-contract", "employment_contract", "genuine", "S-1001", "self", None, "employment_contract"),
    ("wife-passport", "passport", "genuine", "W-1002", "spouse", "S-1001", "passport"),
    ("marriage", "marriage_certificate", "genuine", "W-1002", "spouse", "S-1001", "marriage_certificate"),
    ("child-passport", "passport", "genuine", "C-1003", "child", "S-1001", "passport"),
    ("child-birth", "birth_certificate", "genuine", "C-1003", "child", "S-1001", "birth_certificate"),
    ("worker-passport", "passport", "expired", "D-1004", "domestic_worker", "S-1001", "passport"),
    ("worker-contract", "employment_contract", "genuine", "D-1004", "domestic_worker", "S-1001", "employment_contract"),
]
QUESTIONS = [
    ("S-1001", "residency_renewal.self"),
    ("W-1002", "residency_renewal.spouse"),
    ("C-1003", "residency_renewal.child"),
    ("D-1004", "residency_renewal.domestic_worker"),
]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("demo", help="run the pipeline on sample documents and show the answers")
    parser.add_argument("--as-of", type=date.fromisoformat, help="decision date (default today)")
    parser.set_defaults(func=run)


def _document_generator():
    """The fixture generator lives with the tests (`tests/fixtures/documents.py`) in the checkout, as a
    module of the `tests.fixtures` package (it imports its neighbours), which the installed command
    cannot import until the checkout is on its path."""
    root = project_root()
    path = root / "tests" / "fixtures" / "documents.py"
    if not path.exists():
        raise CommandError(f"the sample document generator is missing ({path}); run the demo from a checkout")
    if str(root) not in sys.path:
        sys.path.append(str(root))
    return importlib.import_module("tests.fixtures.documents")


def run(args: argparse.Namespace) -> int:
    from pipeline.blobstore import open_blobstore
    from pipeline.commands.process import process_inbox
    from pipeline.inbox import Inbox, Manifest
    from pipeline.search import SearchIndex
    from pipeline.search.client import open_search_client
    from pipeline.services import all_services

    root = project_root() / "var" / "demo"
    shutil.rmtree(root, ignore_errors=True)
    settings = settings_with(data_dir=root / "data", index_prefix="demo")
    print("== services")
    for service in all_services(settings_with()):
        print("  " + service.up().line())
    # The demo's data starts empty each run, and so does its index (else an earlier run's records show).
    SearchIndex(open_search_client(settings), settings).drop()

    print("== sample documents (a sponsor, his wife, a child, a domestic worker)")
    generator = _document_generator()
    samples = root / "samples"
    samples.mkdir(parents=True)
    inbox = Inbox(open_blobstore(settings))
    for stem, doc_type, case, person, relation, sponsor, declared in FAMILY:
        truth = generator.make_document(samples, stem, doc_type, seed=2026, case=case)
        path = samples / truth.file
        manifest = Manifest(
            person_id=person,
            declared_type=declared,
            relation=relation,
            sponsor_id=sponsor,
            uploader="demo",
            filename=path.name,
        )
        print(f"  {inbox.put(path, manifest)}  {person:<7} {relation:<16} {path.name}  ({case})")
    hostile = samples / "invoice.pdf"
    hostile.write_bytes(b"#!/bin/sh\necho this is not a document\n")
    manifest = Manifest(person_id="S-1001", declared_type="passport", uploader="demo", filename=hostile.name)
    print(f"  {inbox.put(hostile, manifest)}  S-1001  self             {hostile.name}  (a script named .pdf)")

    print("== pipeline (the process_uploads job, in this process)")
    summary = process_inbox(settings, as_of=args.as_of.isoformat() if args.as_of else None)
    print("  " + summary.line())

    as_of = args.as_of or settings.today()
    print(f"== freshness: reuse or upload again, as of {as_of.isoformat()}")
    from pipeline.commands.freshness import decide_for_person

    for person, service in QUESTIONS:
        decision = decide_for_person(settings, person, service, as_of)
        print(f"  {person} {service}")
        for requirement in decision["requirements"]:
            reasons = "; ".join(f"{r['code']}: {r['en']}" for r in requirement["reasons"])
            print(f"    {requirement['requirement']:<22} {requirement['decision']:<8} {reasons}")

    print("== archivist search")
    from pipeline.commands.search import search_records

    for query in ("passport", "عقد عمل"):
        page = search_records(settings, query)
        print(f"  {query!r}: {page['total']} hits")
        for hit in page["hits"][:5]:
            print(f"    {hit['doc_type']:<22} {hit['status']:<13} {hit['person_id']}  {hit['document_id']}")
    print(json.dumps({"demo_data": str(root), "index_prefix": "demo"}))
    return 1 if summary.failed_runs else 0
