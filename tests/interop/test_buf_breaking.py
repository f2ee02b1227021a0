#!/usr/bin/env python3
"""`buf breaking` (npm @bufbuild/buf, nobody at Cairn wrote it) as a second opinion on
`cairn check --type protobuf --rules wire|wire-json`: on every pair of Confluent's Protobuf diff
corpus (read from $CAIRN_CORPUS_DIR; skipped
when absent) and of tests/data/compat/protobuf/diff.cases, both tools run on the same two files
(buf in a v2 module per side, in a temp dir) and must name the same set of rule IDs and agree on
breaking or not. Pairs one of the tools cannot read are counted apart. Prints the agreement
count. Exit 77 when buf or the cairn binary is missing."""
import json, os, subprocess, sys, tempfile

ROOT = os.environ.get("CAIRN_ROOT", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("CAIRN_BUILD", os.path.join(ROOT, "build"))
BUF = os.path.join(ROOT, "tests/interop/node_modules/.bin/buf")
CAIRN = os.path.join(BUILD if os.path.isabs(BUILD) else os.path.join(ROOT, BUILD), "bin/cairn")
CORPUS_FILE = "confluent-schema-registry-v8.1.1/protobuf-provider-diff-schema-examples.json"
LINES = {}  # (tool, dir, category) -> {(rule, line)}: where each finding is, in the new file
CATEGORIES = [("WIRE", "wire"), ("WIRE_JSON", "wire-json"), ("PACKAGE", "package"),
              ("FILE", "file")]
# PACKAGE and FILE are compared and printed, not asserted (docs/compatibility.md lists where
# they differ); WIRE and WIRE_JSON must agree.
ASSERTED = ("WIRE", "WIRE_JSON")


def corpus_pairs():
    env = os.environ.get("CAIRN_CORPUS_DIR")  # tests/data/corpus/README.md; relative to the root
    path = os.path.join(ROOT, env, CORPUS_FILE) if env else None
    if not path or not os.path.exists(path):
        print("SKIP: Confluent's corpus pairs need CAIRN_CORPUS_DIR (tests/data/corpus/README.md)")
        return []
    with open(path) as f:
        return [("corpus: " + c["description"], c["original_schema"], c["update_schema"])
                for c in json.load(f)]


def case_pairs(path):
    """The diff cases (original + update, no imports) of a .cases file (its README's format)."""
    pairs, case, lines, i = [], None, open(path).read().split("\n"), 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("=== "):
            case = {"name": line[4:]}
            pairs.append(case)
        elif case is not None and ": " in line and not line.startswith("#"):
            key, val = line.split(": ", 1)
            if val == "<<END":
                body = []
                i += 1
                while lines[i] != "END":
                    body.append("" if lines[i] == "~" else lines[i])
                    i += 1
                val = "\n".join(body) + "\n"
            case.setdefault(key, val)
            if key.startswith("import"):
                case["has_import"] = True
        i += 1
    return [(os.path.basename(path) + ": " + c["name"], c["original"], c["update"])
            for c in pairs if "original" in c and "update" in c and not c.get("has_import")]


def run_buf(d, old, new, cat):
    for side, text in (("old", old), ("new", new)):
        os.makedirs(f"{d}/{cat}/{side}", exist_ok=True)
        with open(f"{d}/{cat}/{side}/buf.yaml", "w") as f:
            f.write(f"version: v2\nbreaking:\n  use:\n    - {cat}\n")
        with open(f"{d}/{cat}/{side}/schema.proto", "w") as f:
            f.write(text)
    p = subprocess.run([BUF, "breaking", f"{d}/{cat}/new", "--against", f"{d}/{cat}/old",
                        "--error-format", "json"], capture_output=True, text=True, timeout=120)
    if p.returncode not in (0, 100):
        return None
    found = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    if any(f["type"] == "COMPILE" for f in found):  # buf refused a file
        return None
    LINES[("buf", d, cat)] = {(f["type"], f.get("start_line", 0)) for f in found}
    return p.returncode, sorted({f["type"] for f in found})


def run_cairn(d, cat, rules):
    p = subprocess.run([CAIRN, "check", "--offline", "--type", "PROTOBUF", "--rules", rules,
                        "--format", "json", "--against", f"{d}/{cat}/old/schema.proto",
                        f"{d}/{cat}/new/schema.proto"], capture_output=True, text=True, timeout=60)
    if p.returncode not in (0, 100):
        return None
    res = json.loads(p.stdout.splitlines()[0])
    LINES[("cairn", d, cat)] = {(v["rule"], (v.get("location") or {}).get("line") or 0)
                                for v in res["violations"]}
    return p.returncode, sorted({v["rule"] for v in res["violations"]})


LOCATED = {"same": 0, "differ": []}


def located(name, cat, d):
    """Where cairn gives a line, buf gives the same line for that rule."""
    ours = {x for x in LINES[("cairn", d, cat)] if x[1]}
    theirs = {x for x in LINES[("buf", d, cat)] if x[0] in {r for r, _ in ours}}
    if ours == theirs:
        LOCATED["same"] += len(ours)
    else:
        LOCATED["differ"].append(f"{name} [{cat}]: buf {sorted(theirs)} cairn {sorted(ours)}")


def main():
    if not os.access(BUF, os.X_OK) or not os.access(CAIRN, os.X_OK):
        print(f"skipped: needs {BUF} (tests/interop/setup) and {CAIRN}")
        return 77
    pairs = corpus_pairs()
    pairs += case_pairs(os.path.join(ROOT, "tests/data/compat/protobuf/diff.cases"))
    pairs += case_pairs(os.path.join(ROOT, "tests/data/compat/protobuf/buf.rules"))
    agree, unread, disagree, loose = {}, 0, [], []
    with tempfile.TemporaryDirectory() as tmp:
        for n, (name, old, new) in enumerate(pairs):
            for cat, rules in CATEGORIES:
                d = os.path.join(tmp, str(n))
                b = run_buf(d, old, new, cat)
                c = run_cairn(d, cat, rules)
                if b is None or c is None:
                    unread += 1
                    print(f"not read by {'buf' if b is None else 'cairn'}: {name} [{cat}]")
                elif b == c:
                    agree[cat] = agree.get(cat, 0) + 1
                    located(name, cat, d)
                elif cat in ASSERTED:
                    disagree.append(f"{name} [{cat}]: buf {b} cairn {c}")
                else:
                    loose.append(f"{name} [{cat}]: buf {b} cairn {c}")
    for line in loose:
        print("differs (not asserted)", line)
    for line in disagree:
        print("DISAGREE", line)
    for cat, _ in CATEGORIES:
        n = sum(1 for l in disagree + loose if l.endswith("") and f"[{cat}]" in l)
        print(f"buf breaking {cat}: cairn agrees on {agree.get(cat, 0)} of {agree.get(cat, 0) + n}"
              f" pairs both tools read")
    for line in LOCATED["differ"]:
        print("LOCATION DIFFERS", line)
    print(f"locations: {LOCATED['same']} findings on the line buf gives")
    print(f"{len(pairs)} pairs, {unread} (pair x category) not read by one of the tools")
    return 0 if not disagree and not LOCATED["differ"] and agree.get("WIRE", 0) > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
