"""Extraction benchmark: `extract_file` over a generated document set and the public passport specimens.

Reports document-type accuracy, exact field matches on clean and degraded documents, the verified rate
of genuine documents, must-not-verify violations, each public specimen's outcome, and seconds (wall and
CPU, Tesseract's child processes included) per one-page document with a cold OCR cache.

    .venv/bin/python bench/eval_extraction.py [--set DIR] [--seed N] [--per-type N] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cpu import tree_cpu_seconds  # noqa: E402 (the checkout's, found through ROOT)

PUBLIC = ROOT.parent / "shared/eval/public/passports"


@dataclass
class Tally:
    fields_right: int = 0
    fields_total: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.fields_right / self.fields_total if self.fields_total else 0.0


def same(expected: Any, got: Any) -> bool:
    """Equal after the public README's normalisation (letter variants, diacritics, digits, spaces, case)."""
    from pipeline.extraction.normalise import fold

    if isinstance(expected, float | int) and not isinstance(expected, bool):
        return isinstance(got, float | int) and abs(float(got) - float(expected)) < 0.0005
    if isinstance(expected, str) and isinstance(got, str):
        return fold(expected).replace(" ", "") == fold(got).replace(" ", "")
    return expected == got


def run(path: Path, as_of: date) -> tuple[Any, float, float]:
    from pipeline.extract import extract_file

    wall, cpu = time.perf_counter(), tree_cpu_seconds()
    result = extract_file(path, as_of=as_of)
    return result, time.perf_counter() - wall, tree_cpu_seconds() - cpu


def score(truth: dict[str, Any], result: Any, tally: Tally) -> None:
    for name, expected in truth["fields"].items():
        if name == "mrz":
            continue
        tally.fields_total += 1
        if same(expected, result.fields.get(name)):
            tally.fields_right += 1
        else:
            tally.misses.append(f"{truth['file']}: {name} expected {expected!r} got {result.fields.get(name)!r}")


def evaluate_generated(set_dir: Path) -> dict[str, Any]:
    truths = json.loads((set_dir / "truth.json").read_text(encoding="utf-8"))
    clean, degraded = Tally(), Tally()
    by_type: dict[str, Tally] = {}
    verified_by_type: dict[str, list[int]] = {}
    types_right, genuine, genuine_verified, violations, walls, cpus = 0, 0, 0, [], [], []
    unverified: list[str] = []
    wrong_verified: list[str] = []  # the worst outcome for a genuine document: trusted, and wrong
    for truth in truths:
        result, wall, cpu = run(set_dir / truth["file"], date.fromisoformat(truth["as_of"]))
        walls.append(wall)
        cpus.append(cpu)
        types_right += result.doc_type == truth["doc_type"]
        if truth["case"] == "genuine":
            genuine += 1
            genuine_verified += result.status == "verified"
            missed = len(by_type.get(truth["doc_type"], Tally()).misses)
            score(truth, result, degraded if truth["degraded"] else clean)
            score(truth, result, by_type.setdefault(truth["doc_type"], Tally()))
            if result.status == "verified" and len(by_type[truth["doc_type"]].misses) > missed:
                wrong_verified.append(truth["file"])
            counts = verified_by_type.setdefault(truth["doc_type"], [0, 0])
            counts[0] += result.status == "verified"
            counts[1] += 1
            if result.status != "verified":
                failed = [c.name + ("" if c.outcome == "fail" else " (warn)") for c in result.checks
                          if c.outcome in ("fail", "warn")]
                unverified.append(f"{truth['file']}: {result.status} {failed}")
        elif result.status == "verified":
            violations.append(truth["file"])
    return {"documents": len(truths), "type_accuracy": types_right / len(truths), "clean": clean,
            "degraded": degraded, "genuine": genuine, "genuine_verified": genuine_verified,
            "violations": violations, "walls": walls, "cpus": cpus, "files": [t["file"] for t in truths],
            "by_type": by_type, "verified_by_type": verified_by_type, "unverified": unverified,
            "wrong_verified": wrong_verified}


def evaluate_public(public_dir: Path) -> list[dict[str, Any]]:
    rows = []
    for truth in json.loads((public_dir / "truth.json").read_text(encoding="utf-8")):
        result, wall, _ = run(public_dir / truth["file"], date.today())
        tally = Tally()
        if truth["score_fields"]:
            score(truth, result, tally)
        failed = [c.name for c in result.checks if c.outcome == "fail"]
        rows.append({"file": truth["file"], "case": truth["case"], "doc_type": result.doc_type,
                     "status": result.status, "failed": failed, "tally": tally, "seconds": wall})
    return rows


def report(generated: dict[str, Any], public: list[dict[str, Any]]) -> str:
    walls, cpus = generated["walls"], generated["cpus"]
    lines = [
        f"generated set: {generated['documents']} documents",
        f"- document type accuracy: {generated['type_accuracy']:.1%}",
        f"- fields exact, clean: {generated['clean'].rate:.1%} "
        f"({generated['clean'].fields_right}/{generated['clean'].fields_total})",
        f"- fields exact, degraded: {generated['degraded'].rate:.1%} "
        f"({generated['degraded'].fields_right}/{generated['degraded'].fields_total})",
        f"- genuine verified: {generated['genuine_verified']}/{generated['genuine']}",
        f"- genuine verified with a wrong field: {len(generated['wrong_verified'])} {generated['wrong_verified']}",
        f"- must-not-verify violations: {len(generated['violations'])} {generated['violations']}",
        f"- seconds per document (wall): mean {statistics.mean(walls):.2f}, p95 "
        f"{sorted(walls)[int(0.95 * (len(walls) - 1))]:.2f}, max {max(walls):.2f}",
        f"- CPU seconds per document (all cores, Tesseract included): mean {statistics.mean(cpus):.2f}, "
        f"max {max(cpus):.2f} ({generated['files'][cpus.index(max(cpus))]})",
        *(f"- {doc_type}: fields {tally.rate:.1%}, verified {generated['verified_by_type'][doc_type][0]}/"
          f"{generated['verified_by_type'][doc_type][1]}" for doc_type, tally in generated["by_type"].items()),
        "",
        "public specimens:",
    ]
    for row in public:
        tally = row["tally"]
        fields = f"{tally.fields_right}/{tally.fields_total}" if tally.fields_total else "not scored"
        lines.append(f"- {row['file']} ({row['case']}): {row['doc_type']}, {row['status']}, failed "
                     f"{row['failed']}, fields {fields}, {row['seconds']:.2f}s")
    misses = generated["clean"].misses + generated["degraded"].misses
    misses += [m for row in public for m in row["tally"].misses]
    lines += ["", f"field misses ({len(misses)}):", *(f"- {m}" for m in misses)]
    lines += ["", f"genuine documents not verified ({len(generated['unverified'])}):",
              *(f"- {u}" for u in generated["unverified"])]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, default=ROOT / "var/bench/extraction-set")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-type", type=int, default=6)
    parser.add_argument("--public", type=Path, default=PUBLIC)
    args = parser.parse_args()
    if not (args.public / "truth.json").exists():
        # Checked first: the default is beside the checkout, and a worktree elsewhere has none.
        parser.error(f"no public specimens at {args.public} (pass --public DIR)")

    from tests.fixtures.documents import generate

    if not (args.set / "truth.json").exists():
        generate(args.set, seed=args.seed, per_type=args.per_type)
    # A fresh data directory: a cold OCR cache, so the seconds include the OCR.
    with tempfile.TemporaryDirectory() as data_dir:
        os.environ["WATHIQA_DATA_DIR"] = data_dir
        from pipeline.settings import get_settings

        get_settings.cache_clear()
        print(report(evaluate_generated(args.set), evaluate_public(args.public)))


if __name__ == "__main__":
    main()
