"""Search index at scale: bulk-indexing rate, freshness and archivist-search latency at 20k and 200k records.

Runs against the real local OpenSearch node with its own index prefix (deleted afterwards):

    .venv/bin/python bench/index_bench.py [--total 200000] [--first 20000] [--clients 4] [--queries 400]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from pipeline.freshness import decide, load_rules
from pipeline.models import ArchiveRecord
from pipeline.search import SearchFilters, SearchIndex
from pipeline.search.client import open_search_client
from pipeline.settings import settings_with

LATIN = [
    "MOHAMMED",
    "AHMED",
    "FATIMA",
    "KHALID",
    "MARIAM",
    "YOUSEF",
    "SITA",
    "RAJESH",
    "MARIA",
    "JOSE",
    "ALI",
    "HASSAN",
    "NOOR",
    "PRIYA",
    "ABDULLAH",
    "OMAR",
    "LAYLA",
    "SAMIR",
    "ANNA",
    "JOHN",
]
ARABIC = ["محمد", "أحمد", "فاطمة", "خالد", "مريم", "يوسف", "علي", "حسن", "نور", "عبدالله", "عمر", "ليلى", "سمير"]
SURNAMES = ["AL-HARBI", "KHAN", "SANTOS", "RAHMAN", "AL-ALI", "SHARMA", "REYES", "AL-MUTAIRI", "PEREZ", "NAIR"]
SERVICES = {
    "passport": "residency_renewal.self",
    "marriage_certificate": "residency_renewal.spouse",
    "birth_certificate": "residency_renewal.child",
    "employment_contract": "residency_renewal.self",
}


def synthetic(n: int, rng: random.Random) -> ArchiveRecord:
    person = f"P-{n // 4:07d}"  # about four documents per person
    doc_type = ("passport", "employment_contract", "marriage_certificate", "birth_certificate")[n % 4]
    expiry = date(2025, 1, 1) + timedelta(days=rng.randrange(2000))
    name = f"{rng.choice(LATIN)} {rng.choice(SURNAMES)}"
    arabic = f"{rng.choice(ARABIC)} {rng.choice(ARABIC)}"
    fields = {
        "passport": {
            "surname": name.split()[1],
            "given_names": name.split()[0],
            "document_number": f"{rng.choice('ABCKNZ')}{rng.randrange(10**7, 10**8)}",
            "expiry_date": expiry.isoformat(),
            "nationality": rng.choice(["IND", "PHL", "EGY", "PAK", "NPL", "KWT"]),
        },
        "employment_contract": {
            "employee_name": name,
            "employer_name": "مؤسسة النور",
            "contract_number": f"EC-{rng.randrange(10**5)}",
            "end_date": expiry.isoformat(),
        },
        "marriage_certificate": {
            "husband_name": arabic,
            "wife_name": f"{rng.choice(ARABIC)} {rng.choice(ARABIC)}",
            "certificate_number": f"{rng.randrange(10**4):05d}-C-{rng.randrange(99)}",
        },
        "birth_certificate": {
            "child_name": arabic,
            "father_name": name,
            "certificate_number": str(rng.randrange(10**6)),
        },
    }[doc_type]
    text = " ".join(str(v) for v in fields.values()) + " وثيقة رسمية صادرة عن الجهة المختصة " * 5
    return ArchiveRecord(
        document_id=str(uuid.UUID(int=rng.getrandbits(128))),
        version=1,
        person_id=person,
        sponsor_id=None,
        relation="self",
        sha256=f"{n:064x}",
        mime="image/png",
        size=1,
        pages=1,
        original_key="originals/x",
        declared_type=doc_type,
        doc_type=doc_type,
        fields=fields,
        checks=[],
        status=rng.choice(["verified"] * 8 + ["needs_review", "rejected"]),
        text=text,
        ocr={},
        created_at="2026-01-01T00:00:00+00:00",
    )


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1] if len(values) > 1 else values[0]


def timed(fn, args_list, clients: int) -> list[float]:
    def one(args):
        start = time.perf_counter()
        fn(*args)
        return (time.perf_counter() - start) * 1000

    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(one, args_list))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--total", type=int, default=200_000)
    parser.add_argument("--first", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--queries", type=int, default=400)
    args = parser.parse_args()
    settings = settings_with(index_prefix=f"bench-{uuid.uuid4().hex[:8]}")
    client = open_search_client(settings)
    index = SearchIndex(client, settings)
    rules = load_rules(settings.rules_file)
    rng = random.Random(7)
    as_of = date(2026, 11, 28)

    def freshness(person: str, service: str) -> None:
        decide(person, service, as_of, index.records_for_person(person), rules)

    def search(query: str, filters: SearchFilters) -> None:
        index.search(query, filters)

    queries = [
        ("MOHAMMED", SearchFilters()),
        ("محمد", SearchFilters()),
        ("MUHAMMAD KHAN", SearchFilters()),
        ("passport", SearchFilters(status="verified")),
        ("فاطمة", SearchFilters(doc_type="marriage_certificate")),
        ("", SearchFilters(expiring_within_days=30, as_of=as_of)),
        ("RAHMAN", SearchFilters(nationality="NPL")),
        ("Abdallah Al-Harbi", SearchFilters()),  # cross-script, joined-word name keys
        ("12345-C-67", SearchFilters()),  # a hyphenated certificate number
        ("P-0001234", SearchFilters()),  # a civil ID
    ]
    try:
        indexed = 0
        for target in (args.first, args.total):
            records = (synthetic(n, rng) for n in range(indexed, target))
            start = time.perf_counter()
            index.ensure()
            client.indices.put_settings(index=index.alias, body={"index": {"refresh_interval": "-1"}})
            index.index_records(records, refresh=False)
            client.indices.put_settings(index=index.alias, body={"index": {"refresh_interval": "1s"}})
            client.indices.refresh(index=index.alias)
            seconds = time.perf_counter() - start
            print(f"indexed {target - indexed} records in {seconds:.1f}s: {(target - indexed) / seconds:.0f} records/s")
            indexed = target
            people = [
                (f"P-{rng.randrange(target // 4):07d}", rng.choice(list(SERVICES.values())))
                for _ in range(args.queries)
            ]
            timed(freshness, people[:20], args.clients)  # warm-up
            fresh = timed(freshness, people, args.clients)
            timed(search, queries, args.clients)  # warm-up
            found = timed(search, [queries[i % len(queries)] for i in range(args.queries)], args.clients)
            kinds = f"{args.clients} concurrent clients, {args.queries} requests of each kind"
            print(f"at {index.count()} records, {kinds}:")
            print(
                f"  freshness  p50 {percentile(fresh, 50):6.1f} ms  p95 {percentile(fresh, 95):6.1f} ms  "
                f"max {max(fresh):6.1f} ms"
            )
            print(
                f"  search     p50 {percentile(found, 50):6.1f} ms  p95 {percentile(found, 95):6.1f} ms  "
                f"max {max(found):6.1f} ms"
            )
    finally:
        client.indices.delete(index=f"{settings.index_prefix}-*", ignore_unavailable=True)


if __name__ == "__main__":
    main()
