#!/usr/bin/env python3
"""Every ```cpp block of README.md compiles (-fsyntax-only, warnings are errors).

    check_readme.py CXX STD INCLUDE_DIR README.md

The convention:
- A block that defines `int main` is a whole program: compiled as it is, alone.
- Any other block is a fragment. Its leading #include lines stay at file scope, after
  <keyops/keyops.hpp>, <iostream>, <string> and <vector>; the rest is the body of a function of
  its own. The names a fragment uses without declaring them (a body it was given, a client made
  elsewhere) are that function's parameters, written in an HTML comment on the line just before
  the block, which a rendered README does not show:
      <!-- readme-check: (std::string body, keyops::error_code& ec) -->
- All fragments go into one translation unit, each under a #line directive, so that an error
  names README.md and the line of the block.
"""
import re
import subprocess
import sys
import tempfile
from pathlib import Path

cxx, std, include, readme = sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4])
lines = readme.read_text().split("\n")

blocks = []  # (first line number of the code, code lines, parameters)
i = 0
while i < len(lines):
    if lines[i].strip() == "```cpp":
        params = "()"
        if i > 0:
            m = re.fullmatch(r"<!-- readme-check: (\(.*\)) -->", lines[i - 1].strip())
            if m:
                params = m.group(1)
        j = i + 1
        while j < len(lines) and lines[j].strip() != "```":
            j += 1
        if j == len(lines):
            sys.exit(f"{readme}:{i + 1}: a ```cpp block is not closed")
        blocks.append((i + 2, lines[i + 1 : j], params))
        i = j
    i += 1
if not blocks:
    sys.exit(f"{readme}: no ```cpp block")

flags = [cxx, f"-std=c++{std}", "-fsyntax-only", "-Wall", "-Wextra", "-Wpedantic", "-Werror",
         "-Wno-unused-variable", "-Wno-unused-but-set-variable", "-Wno-unused-parameter",
         f"-I{include}"]
path = readme.resolve()
failed = 0
with tempfile.TemporaryDirectory() as work:
    fragments = ['#include <keyops/keyops.hpp>', "#include <iostream>", "#include <string>",
                 "#include <vector>"]
    bodies = []
    programs = []
    for n, (first, code, params) in enumerate(blocks, 1):
        if any(re.search(r"\bint\s+main\s*\(", c) for c in code):
            programs.append((first, code))
            continue
        k = 0
        while k < len(code) and (code[k].startswith("#include") or not code[k].strip()):
            if code[k].strip():
                fragments.append(f'#line {first + k} "{path}"')
                fragments.append(code[k])
            k += 1
        bodies.append(f"void readme_block_{n}{params} {{")
        bodies.append(f'#line {first + k} "{path}"')
        bodies.extend(code[k:])
        bodies.append("}")
    units = []
    if bodies:
        tu = Path(work) / "fragments.cpp"
        tu.write_text("\n".join(fragments + bodies) + "\n")
        count = sum(1 for b in bodies if b.startswith("void readme_block_"))
        units.append((tu, f"{count} fragments"))
    for first, code in programs:
        tu = Path(work) / f"program_{first}.cpp"
        tu.write_text(f'#line {first} "{path}"\n' + "\n".join(code) + "\n")
        units.append((tu, f"the program at line {first}"))
    for tu, what in units:
        r = subprocess.run(flags + [str(tu)], capture_output=True, text=True)
        if r.returncode != 0:
            failed += 1
            print(f"FAILED: {what}")
            print("\n".join(r.stderr.split("\n")[:60]))
        else:
            print(f"ok: {what}")
print(f"{len(blocks)} cpp blocks of {readme.name}, {failed} failed")
sys.exit(1 if failed else 0)
