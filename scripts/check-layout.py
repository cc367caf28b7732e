#!/usr/bin/env python3
"""Fails when the source tree stops matching docs/architecture.md.

Checks, for every file under src/adjust/:
  - each #include "adjust/<folder>/..." is allowed by the folder's rule below
    (dependencies run one way: a folder includes only folders listed for it);
  - each included project header exists;
  - each .cpp is listed in src/adjust/CMakeLists.txt (sources are not globbed).
And, for every source under src/, test/, fuzz/ and bench/:
  - no code names std::expected or std::unexpected, or includes <expected>: Result has one
    implementation for every compiler (src/adjust/base/result.hpp);
  - each fuzz/fuzz_*.cpp is listed in fuzz/CMakeLists.txt.
Usage: scripts/check-layout.py [repo root]   (exit 1 with one line per problem)
       scripts/check-layout.py --self-test   (proves each check can fail)
"""
import pathlib
import re
import sys

# Folder -> the folders its files may include (itself always allowed).
# Keep in step with docs/architecture.md.
ALLOWED = {
    "base": set(),
    "model": {"base"},
    "aws": {"base", "model"},
    "config": {"base", "model"},
    "protocol": {"base", "model"},
    "logic": {"base", "model", "config", "protocol"},
    "engine": {"base", "model", "aws", "config", "protocol", "logic"},
    "cli": {"base", "model", "aws", "config", "protocol", "logic", "engine"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"adjust/([^"]+)"', re.M)
STD_EXPECTED = re.compile(r'std::(?:un)?expected\s*[<(]|std::bad_expected_access|#\s*include\s*<expected>')


def folder_of(relative: str) -> str:
    """'aws/credentials/chain.cpp' -> 'aws' (a subfolder belongs to its parent)."""
    return relative.split("/", 1)[0]


def problems_in(root: pathlib.Path) -> list:
    src = root / "src" / "adjust"
    problems = []
    listed = (src / "CMakeLists.txt").read_text()
    for path in sorted(src.rglob("*")):
        if path.suffix not in (".cpp", ".hpp"):
            continue
        relative = path.relative_to(src).as_posix()
        folder = folder_of(relative)
        if folder not in ALLOWED:
            problems.append(f"src/adjust/{relative}: folder '{folder}' has no rule in scripts/check-layout.py")
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            target = match.group(1)
            if not (src / target).is_file():
                problems.append(f"src/adjust/{relative}:{number}: includes adjust/{target}, which does not exist")
                continue
            to = folder_of(target)
            if to != folder and to not in ALLOWED[folder]:
                problems.append(f"src/adjust/{relative}:{number}: {folder}/ may not include {to}/ "
                                f"(adjust/{target}); see docs/architecture.md")
        if path.suffix == ".cpp" and not re.search(rf"^\s*{re.escape(relative)}\s*$", listed, re.M):
            problems.append(f"src/adjust/{relative}: not listed in src/adjust/CMakeLists.txt")
    for tree in ("src", "test", "fuzz", "bench"):
        if not (root / tree).is_dir():
            continue
        for path in sorted((root / tree).rglob("*")):
            if path.suffix not in (".cpp", ".hpp", ".h"):
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if STD_EXPECTED.search(line.split("//", 1)[0]):
                    problems.append(f"{path.relative_to(root).as_posix()}:{number}: names std::expected; "
                                    "use Result, Status, fail() or adjust::unexpected (base/result.hpp)")
    fuzz_cmake = root / "fuzz" / "CMakeLists.txt"
    fuzz_listed = fuzz_cmake.read_text() if fuzz_cmake.is_file() else ""
    for path in sorted((root / "fuzz").glob("fuzz_*.cpp")):
        if not re.search(rf"^\s*{re.escape(path.name)}\s*$", fuzz_listed, re.M):
            problems.append(f"fuzz/{path.name}: not listed in fuzz/CMakeLists.txt")
    return problems


def self_test() -> int:
    """A tree with one of each problem must yield exactly those problems."""
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        src = pathlib.Path(tmp) / "src" / "adjust"
        for folder in ("base", "engine", "logic"):
            (src / folder).mkdir(parents=True)
        (src / "engine" / "e.hpp").write_text('#include "adjust/base/b.hpp"\n')
        (src / "base" / "b.hpp").write_text('#include "adjust/engine/e.hpp"\n')  # upward
        (src / "logic" / "l.cpp").write_text('#include "adjust/logic/gone.hpp"\n')  # missing
        (src / "CMakeLists.txt").write_text("set(X\n  engine/listed.cpp\n)\n")  # l.cpp unlisted
        found = problems_in(pathlib.Path(tmp))
    expected = ["base/ may not include engine/", "includes adjust/logic/gone.hpp, which does not exist",
                "logic/l.cpp: not listed"]
    ok = len(found) == len(expected) and all(any(e in p for p in found) for e in expected)
    print("self-test:", "ok" if ok else f"FAILED, found {found}")
    return 0 if ok else 1


def main() -> int:
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
    problems = problems_in(root)
    for problem in problems:
        print(problem)
    print(f"layout: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
