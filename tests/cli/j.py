# JSON checks of the cli test (tests/cli/lib.sh runs it as J MODE ARG...): eq, ev, table, block,
# blockid, waittext; each mode is described where it is handled.
import json, re, sys

def load(p):
    try:
        with open(p, encoding="utf-8") as f:
            return json.load(f)
    except Exception as e:
        with open(p, encoding="utf-8", errors="replace") as f:
            t = f.read(300)
        print(f"{p.rsplit('/', 1)[-1]} is not JSON ({e}): {t!r}")
        sys.exit(1)

def short(v):
    s = json.dumps(v)
    return s if len(s) < 160 else s[:160] + "..."

def first_diff(a, b, path="$"):
    if type(a) is not type(b):
        return f"{path}: tool {short(a)} vs server {short(b)}"
    if isinstance(a, dict):
        if set(a) != set(b):
            return (f"{path}: keys only in the tool's output {sorted(set(a) - set(b))}, "
                    f"only in the server's {sorted(set(b) - set(a))}")
        for k in a:
            r = first_diff(a[k], b[k], f"{path}.{k}")
            if r:
                return r
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items in the tool's output vs {len(b)} from the server"
        for i, (x, y) in enumerate(zip(a, b)):
            r = first_diff(x, y, f"{path}[{i}]")
            if r:
                return r
        return None
    return None if a == b else f"{path}: tool {short(a)} vs server {short(b)}"

def lines(p):
    with open(p, encoding="utf-8", errors="replace") as f:
        return f.read()

mode = sys.argv[1]
if mode == "eq":  # eq TOOL SERVER: parsed JSON equality, else the first difference
    r = first_diff(load(sys.argv[2]), load(sys.argv[3]))
    if r:
        print(r)
        sys.exit(1)
elif mode == "ev":  # ev EXPR FILE...: d, e, f are the files' JSON; strings print bare
    docs = [load(p) for p in sys.argv[3:]]
    env = dict(zip("def", docs), json=json, re=re)
    v = eval(sys.argv[2], env)
    print(v if isinstance(v, str) else json.dumps(v, separators=(",", ":")))
elif mode == "table":  # table OUT JOBS: a header with ID and STATUS, then one line per job
    text = lines(sys.argv[2])
    jobs = load(sys.argv[3])
    jobs = jobs["resources"] if isinstance(jobs, dict) else jobs
    rows = [l for l in text.splitlines() if l.strip()]
    if not rows or not re.search(r"\bID\b", rows[0]) or not re.search(r"\bSTATUS\b", rows[0]):
        print(f"no header line naming ID and STATUS: first line {rows[0] if rows else ''!r}")
        sys.exit(1)
    if len(rows) != 1 + len(jobs):
        print(f"{len(rows) - 1} lines after the header for {len(jobs)} jobs")
        sys.exit(1)
    for j, row in zip(jobs, rows[1:]):
        if j["id"] not in row or j["overall_status"] not in row:
            print(f"line {row!r} lacks job {j['id']} / {j['overall_status']} (server order)")
            sys.exit(1)
elif mode == "block":  # block OUT JOB: name: value lines with id: and overall_status:
    text = lines(sys.argv[2])
    job = load(sys.argv[3])
    for l in text.splitlines():
        if l.strip() and not l[0].isspace() and not re.match(r"^[A-Za-z_][\w .()/-]*:(\s|$)", l):
            print(f"line {l!r} is not a 'name: value' line")
            sys.exit(1)
    for name in ("id", "overall_status"):
        pat = r"^\s*" + name + r"\s*:\s*" + re.escape(job[name]) + r"\s*$"
        if not re.search(pat, text, re.M):
            print(f"no line '{name}: {job[name]}'")
            sys.exit(1)
elif mode == "blockid":  # blockid OUT: the value of the id: line
    m = re.search(r"^\s*id\s*:\s*(\S+)\s*$", lines(sys.argv[2]), re.M)
    print(m.group(1) if m else "")
elif mode == "waittext":  # waittext OUT OUTCOME-REGEX ID...: plain lines, last names the outcome
    text = lines(sys.argv[2])
    if "\r" in text or "\x1b" in text:
        print("carriage returns or escape sequences (a live line) although stdout is not a terminal")
        sys.exit(1)
    for i in sys.argv[4:]:
        if i not in text:
            print(f"id {i} not printed")
            sys.exit(1)
    rows = [l for l in text.splitlines() if l.strip()]
    if not rows or not re.search(sys.argv[3], rows[-1], re.I):
        print(f"last line {rows[-1] if rows else ''!r} does not name the outcome /{sys.argv[3]}/")
        sys.exit(1)
