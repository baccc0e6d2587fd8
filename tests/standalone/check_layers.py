#!/usr/bin/env python3
"""The layers of include/keyops, as the "Layout" block of docs/design.md lists them, and the includes
between them: a header may include its own layer and the layers listed before it, never one
listed after it (a layer that sits on it). There is no list of exceptions.

    check_layers.py docs/design.md INCLUDE_DIR

The layout block's first line names the headers at the top of include/keyops/: those before
"(the vocabulary" sit below every folder, those before "(the umbrellas" above every folder. Each
line after it that starts with two spaces and a folder name ending in "/" is a layer, in order
(one line may name two folders of one layer, "auth/ retry/"); deeper lines (a folder's detail/)
belong to the layer above them. A header at the top that the first line does not name fails the
check, as does an include of a folder that no line names.
"""

import os
import re
import sys


def read_layout(readme):
    text = open(readme, encoding="utf-8").read()
    at = text.find("## Layout")
    if at < 0:
        sys.exit("docs/design.md has no '## Layout' section")
    block = text[at:].split("```", 2)[1]
    lines = block.splitlines()[1:]
    first = ""
    layers = []
    started = False
    for line in lines:
        if line.startswith("include/keyops/"):
            started = True
            first = line[len("include/keyops/"):]
            continue
        if not started:
            continue
        if line.startswith("  ") and not line.startswith("   ") and line.strip():
            folders = re.findall(r"([a-z_]+)/", re.split(r"\s{3,}", line.strip())[0])
            if folders:
                layers.append(folders)
                continue
        if line.startswith(" ") and line.strip():
            # a continuation of the first line, or a deeper folder: part of what is above
            if not layers:
                first += " " + line.strip()
            continue
        if line and not line.startswith(" "):
            break
    vocabulary_part, _, rest = first.partition("(the vocabulary")
    umbrella_part = rest.split(";", 1)[1] if ";" in rest else ""
    umbrella_part = umbrella_part.partition("(the umbrellas")[0]
    vocabulary = set(re.findall(r"([a-z_]+\.hpp)", vocabulary_part))
    umbrellas = set(re.findall(r"([a-z_]+(?:\.hpp|/))", umbrella_part))
    return vocabulary, umbrellas, layers


def main():
    readme, inc = sys.argv[1], sys.argv[2]
    vocabulary, umbrellas, layers = read_layout(readme)
    if not vocabulary or not umbrellas or len(layers) < 5:
        sys.exit("the layout's block does not name the vocabulary, the umbrellas and the "
                 "layers as this check reads them (see its docstring)")
    rank = {}
    for i, folders in enumerate(layers, start=1):
        for f in folders:
            rank[f] = i
    top = len(layers) + 1
    root = os.path.join(inc, "keyops")

    def layer_of(rel):
        parts = rel.split("/")
        if len(parts) == 1:
            if parts[0] in vocabulary:
                return 0
            if parts[0] in umbrellas:
                return top
            return None
        if parts[0] + "/" in umbrellas:
            return top
        return rank.get(parts[0])

    def name_of(r):
        if r == 0:
            return "the vocabulary"
        if r == top:
            return "the umbrellas"
        return "/".join(layers[r - 1]) + "/"

    problems = []
    checked = 0
    for folder, _, files in os.walk(root):
        for f in sorted(files):
            path = os.path.join(folder, f)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            mine = layer_of(rel)
            if mine is None:
                problems.append(f"{rel}: the layout places no such header or folder")
                continue
            for n, line in enumerate(open(path, encoding="utf-8"), start=1):
                m = re.match(r"\s*#\s*include\s*<keyops/([^>]+)>", line)
                if not m:
                    continue
                checked += 1
                theirs = layer_of(m.group(1))
                if theirs is None:
                    problems.append(f"{rel}:{n}: includes keyops/{m.group(1)}, which the "
                                    "layout places nowhere")
                elif theirs > mine:
                    problems.append(f"{rel}:{n}: {name_of(mine)} includes keyops/{m.group(1)}, "
                                    f"of {name_of(theirs)}, which sits on it (later in the layout)")
    for p in problems:
        print("FAIL - " + p)
    print(f"{checked} includes checked against {len(layers)} layers")
    print(f"layers: {0 if problems else 1} passed, {1 if problems else 0} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
