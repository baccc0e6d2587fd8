#!/usr/bin/env python3
"""The usage in docs/reference/tool.md is what `keyops --help` prints, word for word.

    tool_usage.py KEYOPS PAGE            exit 1, saying so, when they differ
    tool_usage.py KEYOPS PAGE --write    copy the tool's usage into the page

The page holds it as a text block between <!-- keyops --help --> and <!-- /keyops --help -->.
"""
import subprocess
import sys
from pathlib import Path

keyops, page = sys.argv[1], Path(sys.argv[2])
write = sys.argv[3:] == ["--write"]
usage = subprocess.run([keyops, "--help"], capture_output=True, text=True, check=True).stdout
lines = page.read_text().split("\n")
try:
    start = lines.index("<!-- keyops --help -->")
    end = lines.index("<!-- /keyops --help -->")
except ValueError:
    sys.exit(f"{page}: no <!-- keyops --help --> ... <!-- /keyops --help --> block")
want = ["```"] + usage.rstrip("\n").split("\n") + ["```"]
if lines[start + 1:end] == want:
    print(f"{page.name}: the usage is keyops --help's")
elif write:
    page.write_text("\n".join(lines[:start + 1] + want + lines[end:]))
    print(f"{page.name}: usage copied from keyops --help")
else:
    sys.exit(f"{page}:{start + 1}: the usage differs from keyops --help "
             f"(tests/docs/tool_usage.py KEYOPS PAGE --write)")
