#!/usr/bin/env python3
"""Every ```cpp block of README.md and of the pages under docs/ compiles (-fsyntax-only,
warnings are errors), but the copies of examples (between <!-- snippet: ... --> and
<!-- /snippet -->), which are built and run as the examples themselves.

    check_readme.py CXX STD INCLUDE_DIR ROOT

The convention:
- A block that defines `int main` is a whole program: compiled as it is, alone.
- Any other block is a fragment. Its leading #include lines stay at file scope, after
  <keyops/keyops.hpp>, <iostream>, <string> and <vector>; the rest is the body of a function of
  its own. The names a fragment uses without declaring them (a body it was given, a client made
  elsewhere) are that function's parameters, written in an HTML comment on the line just before
  the block, which a rendered page does not show:
      <!-- readme-check: (std::string body, keyops::error_code& ec) -->
- A page's fragments go into one translation unit, each under a #line directive, so that an
  error names the page and the line of the block.
"""
import re
import subprocess
import sys
import tempfile
from pathlib import Path

cxx, std, include, root = sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4])
pages = [root / "README.md"] + sorted((root / "docs").rglob("*.md"))


def blocks_of(page):
    """(first line number of the code, code lines, parameters) of each block to compile."""
    lines = page.read_text().split("\n")
    out, i, in_snippet = [], 0, False
    while i < len(lines):
        stripped = lines[i].strip()
        if stripped.startswith("<!-- snippet: "):
            in_snippet = True
        elif stripped == "<!-- /snippet -->":
            in_snippet = False
        elif stripped == "```cpp":
            params = "()"
            if i > 0:
                m = re.fullmatch(r"<!-- readme-check: (\(.*\)) -->", lines[i - 1].strip())
                if m:
                    params = m.group(1)
            j = i + 1
            while j < len(lines) and lines[j].strip() != "```":
                j += 1
            if j == len(lines):
                sys.exit(f"{page}:{i + 1}: a ```cpp block is not closed")
            if not in_snippet:
                out.append((i + 2, lines[i + 1 : j], params))
            i = j
        i += 1
    return out


flags = [cxx, f"-std=c++{std}", "-fsyntax-only", "-Wall", "-Wextra", "-Wpedantic", "-Werror",
         "-Wno-unused-variable", "-Wno-unused-but-set-variable", "-Wno-unused-parameter",
         f"-I{include}"]
failed = 0
total = 0
work_dir = tempfile.TemporaryDirectory()
work = work_dir.name
fragments = ['#include <keyops/keyops.hpp>', "#include <iostream>", "#include <string>",
             "#include <vector>"]
bodies = []
programs = []
for p, page in enumerate(pages):
    path = page.resolve()
    blocks = blocks_of(page)
    total += len(blocks)
    for n, (first, code, params) in enumerate(blocks, 1):
        if any(re.search(r"\bint\s+main\s*\(", c) for c in code):
            programs.append((page, first, code))
            continue
        k = 0
        while k < len(code) and (code[k].startswith("#include") or not code[k].strip()):
            if code[k].strip():
                fragments.append(f'#line {first + k} "{path}"')
                fragments.append(code[k])
            k += 1
        bodies.append(f"void block_{p}_{n}{params} {{")
        bodies.append(f'#line {first + k} "{path}"')
        bodies.extend(code[k:])
        bodies.append("}")
units = []
if bodies: # one translation unit for every page's fragments: keyops.hpp is compiled once
    tu = Path(work) / "fragments.cpp"
    tu.write_text("\n".join(fragments + bodies) + "\n")
    count = sum(1 for b in bodies if b.startswith("void block_"))
    units.append((tu, f"{count} fragments"))
for page, first, code in programs:
    tu = Path(work) / f"program_{page.stem}_{first}.cpp"
    tu.write_text(f'#line {first} "{page.resolve()}"\n' + "\n".join(code) + "\n")
    units.append((tu, f"{page.relative_to(root)}: the program at line {first}"))
for tu, what in units:
    r = subprocess.run(flags + [str(tu)], capture_output=True, text=True)
    if r.returncode != 0:
        failed += 1
        print(f"FAILED: {what}")
        print("\n".join(r.stderr.split("\n")[:60]))
    else:
        print(f"ok: {what}")
if total == 0:
    sys.exit("no ```cpp block to compile in README.md or docs/")
print(f"{total} cpp blocks of README.md and docs/, {failed} failed")
sys.exit(1 if failed else 0)
