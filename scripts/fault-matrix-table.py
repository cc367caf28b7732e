#!/usr/bin/env python3
"""Rewrite the fault-matrix table in docs/reliability.md from the cells' result files.

Usage: scripts/fault-matrix-table.py BUILD_DIR [--results DIR] [--doc PATH]

test/e2e/fault_matrix_test.cpp writes one JSON file per cell into BUILD_DIR/fault-matrix
(or $ADJUST_FAULT_MATRIX_DIR). This script turns them into tables (rows = faults,
columns = phases), one for the ROLLING matrix and one per other deployment strategy,
between the <!-- fault-matrix:begin --> and <!-- fault-matrix:end --> markers. It exits 1
if a cell failed (the table still shows it). A fault that only some phases meet has "—" in
the others.
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys

PHASES = ["describe", "register", "update", "wait", "rollback"]
STRATEGY_PHASES = ["wait", "record", "stop"]
STRATEGIES = ["BLUE_GREEN", "LINEAR", "CANARY"]
BEGIN, END = "<!-- fault-matrix:begin -->", "<!-- fault-matrix:end -->"
COMMAND = ("rm -rf build/fault-matrix && ctest --test-dir build -R FaultMatrix -j2 && "
           "python3 scripts/fault-matrix-table.py build")


def where(cell: dict) -> str:
    actual = cell["actual"]
    at = f"{actual['revision']} ×{actual['count']}"
    if (actual["revision"], actual["count"]) == (cell["original"]["revision"], cell["original"]["count"]):
        return f"restored to {at}" if actual["service_changed"] else "untouched"
    return f"runs {at}" if actual["status"] == "ok" else f"left on {at}"


def verdict(status: str, reason: str) -> str:
    return status if reason in ("success", status) else f"{status} ({reason})"


def text(cell: dict, notes: list[str]) -> str:
    actual, expected = cell["actual"], cell["expected"]
    if not cell["passed"]:
        wanted = f"{verdict(expected['status'], expected['reason'])}, {expected['revision']} ×{expected['count']}"
        return f"❌ {verdict(actual['status'], actual['reason'])}, {where(cell)} (expected {wanted})"
    out = f"✅ {verdict(actual['status'], actual['reason'])}, {where(cell)}"
    if cell.get("note"):
        if cell["note"] not in notes:
            notes.append(cell["note"])
        out += f" <sup>{notes.index(cell['note']) + 1}</sup>"
    return out


def table(cells: list[dict], phases: list[str], notes: list[str], sparse: bool) -> tuple[list[str], bool]:
    by_key = {(c["phase"], c["fault"]): c for c in cells}
    faults: list[tuple[str, str]] = []
    for cell in sorted(cells, key=lambda c: c["index"]):
        if cell["fault"] not in [f for f, _ in faults]:
            faults.append((cell["fault"], cell["fault_description"]))
    lines = ["| fault | " + " | ".join(phases) + " |", "|---|" + "---|" * len(phases)]
    complete = True
    for fault, description in faults:
        row = [f"**{fault}**: {description}"]
        for phase in phases:
            cell = by_key.get((phase, fault))
            if cell is None:
                complete = complete and sparse
                row.append("—" if sparse else "❓ no result")
            else:
                row.append(text(cell, notes))
        lines.append("| " + " | ".join(row) + " |")
    return lines, complete


def tables(cells: list[dict]) -> tuple[str, bool]:
    notes: list[str] = []
    rolling = [c for c in cells if c.get("strategy", "ROLLING") == "ROLLING"]
    # Rows for faults that only some phases meet (stale reads, a killed run) are sparse.
    lines, complete = table(rolling, PHASES, notes, sparse=True)
    for strategy in STRATEGIES:
        these = [c for c in cells if c.get("strategy") == strategy]
        if not these:
            continue
        lines.extend(["", f"**{strategy}**", ""])
        more, _ = table(these, STRATEGY_PHASES, notes, sparse=True)
        lines.extend(more)
    passed = sum(1 for c in cells if c["passed"])
    seconds = [c.get("seconds", 0) for c in cells]
    slowest = max(cells, key=lambda c: c.get("seconds", 0))
    lines.append("")
    lines.extend(f"<sup>{i + 1}</sup> {note}  " for i, note in enumerate(notes))
    lines.append("")
    lines.append(f"{passed}/{len(cells)} cells pass; the runs took {sum(seconds):.0f} s summed, the slowest "
                 f"({slowest.get('strategy', 'ROLLING')} {slowest['phase']} × {slowest['fault']}) "
                 f"{slowest.get('seconds', 0):.1f} s. Regenerate with:")
    lines.append("")
    lines.append("```bash")
    lines.append(COMMAND)
    lines.append("```")
    return "\n".join(lines), complete and passed == len(cells)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dir", type=pathlib.Path)
    parser.add_argument("--results", type=pathlib.Path, help="default: BUILD_DIR/fault-matrix")
    parser.add_argument("--doc", type=pathlib.Path,
                        default=pathlib.Path(__file__).resolve().parent.parent / "docs" / "reliability.md")
    args = parser.parse_args()
    results = args.results or args.build_dir / "fault-matrix"
    cells = [json.loads(p.read_text()) for p in sorted(results.glob("*.json"))]
    if not cells:
        print(f"no results in {results}: run the FaultMatrix tests first ({COMMAND})", file=sys.stderr)
        return 1
    body, all_passed = tables(cells)
    doc = args.doc.read_text()
    if BEGIN not in doc or END not in doc:
        print(f"{args.doc}: markers {BEGIN} / {END} not found", file=sys.stderr)
        return 1
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    args.doc.write_text(head + BEGIN + "\n" + body + "\n" + END + tail)
    print(f"{args.doc}: {len(cells)} cells" + ("" if all_passed else "; some failed or are missing"))
    return 0 if all_passed else 1


if __name__ == "__main__":
    sys.exit(main())
