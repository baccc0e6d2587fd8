#!/usr/bin/env python3
"""Facts that README.md and docs/ state and the code also holds, checked against the code:

- every relative link of README.md and docs/ names a file that exists;
- the CCKM kinds README.md lists are the kinds of KEYOPS_CCKM_KINDS, in its order;
- docs/reference/errors.md has one row per enumerator of keyops::error, in the enum's order.

    facts.py ROOT
"""
import re
import sys
from pathlib import Path

root = Path(sys.argv[1])
problems = []
pages = [root / "README.md", root / "CHANGELOG.md"] + sorted((root / "docs").rglob("*.md"))

# Links.
link = re.compile(r"\]\(([^)\s]+)\)")
for page in pages:
    for n, line in enumerate(page.read_text().split("\n"), 1):
        for target in link.findall(line):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            path = (page.parent / target.split("#")[0]).resolve()
            if not path.exists():
                problems.append(f"{page.relative_to(root)}:{n}: a link to {target}, which does not exist")

# The kinds.
kinds_hpp = (root / "include/keyops/endpoint/cckm_kinds.hpp").read_text()
kinds = re.findall(r"^\s*X\(\w+,\s*\"([a-z0-9-]+)\"", kinds_hpp, re.M)
readme = (root / "README.md").read_text()
row = re.search(r"^\| CCKM job kinds \| (.*) \|$", readme, re.M)
if not row:
    problems.append("README.md: no '| CCKM job kinds |' row")
else:
    listed = re.findall(r"`([a-z0-9-]+)`", row.group(1))
    if sorted(listed) != sorted(kinds):
        problems.append(f"README.md: the kinds listed {listed} are not KEYOPS_CCKM_KINDS' {kinds}")

# The error codes.
error_hpp = (root / "include/keyops/error.hpp").read_text()
enum = re.search(r"enum class error \{(.*?)\};", error_hpp, re.S).group(1)
codes = re.findall(r"^\s*([a-z_0-9]+)\s*(?:=\s*\d+)?,", enum, re.M)
errors_md = (root / "docs/reference/errors.md").read_text()
rows = re.findall(r"^\| `([a-z_0-9]+)` \|", errors_md, re.M)
if rows != codes:
    problems.append(f"docs/reference/errors.md: the rows {rows} are not keyops::error's {codes}")

for p in problems:
    print(p, file=sys.stderr)
if problems:
    sys.exit(f"{len(problems)} fact(s) differ from the code")
print(f"facts: {len(pages)} pages' links, {len(kinds)} kinds, {len(codes)} error codes agree")
