#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
#
# Differential test of Cairn's Avro checker against Debian's python3-avro
# (avro.compatibility.ReaderWriterCompatibilityChecker, the Python port of Avro Java's
# SchemaCompatibility).
# Generates a few thousand (reader, writer) schema pairs from a fixed seed: records with evolving
# fields, defaults, unions, enums (with defaults), arrays, maps, fixed, nested records and type
# promotions; no namespaces or aliases (python3-avro differs from Java there). Cairn's verdicts
# come from one run of the helper tests/integration/avro_diff_check.c over a file of all pairs,
# and a sample of pairs also goes through `cairn check` (BACKWARD: the new schema reads the old
# one; exit 0 or 100). Yes/no verdicts must agree on every pair, and so must the Parsing
# Canonical Form of every reader (python's canonical_form; our schemas carry no properties,
# where python differs from the specification).
import json
import os
import random
import subprocess
import sys
import tempfile
import warnings

warnings.simplefilter("ignore")
try:
    from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType
    from avro.schema import parse
except ImportError:
    print("python3-avro is not installed; skipping")
    sys.exit(77)

ROOT = os.environ.get("CAIRN_ROOT", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("CAIRN_BUILD", "build")
BDIR = BUILD if os.path.isabs(BUILD) else os.path.join(ROOT, BUILD)
CAIRN = os.path.join(BDIR, "bin", "cairn")
HELPER = os.path.join(BDIR, "tests", "integration", "avro_diff_check")
CLI_SAMPLE = int(os.environ.get("CAIRN_DIFF_CLI", "64"))
PAIRS = int(os.environ.get("CAIRN_DIFF_PAIRS", "3000"))
SEED = int(os.environ.get("CAIRN_TEST_SEED", "20261122"))

PRIMS = ["null", "boolean", "int", "long", "float", "double", "bytes", "string"]
PROMOTE = {"int": ["long", "float", "double"], "long": ["float", "double"], "float": ["double"],
           "string": ["bytes"], "bytes": ["string"]}


class Gen:
    def __init__(self, rnd):
        self.r = rnd
        self.n = 0

    def name(self, prefix):
        self.n += 1
        return "%s%d" % (prefix, self.n)

    def prim(self):
        return self.r.choice(PRIMS[1:])

    def typ(self, depth, allow_union=True):
        k = self.r.random()
        if k < 0.45 or depth > 2:
            return self.prim()
        if k < 0.55:
            syms = ["S%d" % i for i in range(self.r.randint(1, 4))]
            e = {"type": "enum", "name": self.name("E"), "symbols": syms}
            if self.r.random() < 0.3:
                e["default"] = self.r.choice(syms)
            return e
        if k < 0.62:
            return {"type": "array", "items": self.typ(depth + 1)}
        if k < 0.68:
            return {"type": "map", "values": self.typ(depth + 1)}
        if k < 0.72:
            return {"type": "fixed", "name": self.name("F"), "size": self.r.choice([2, 4, 8])}
        if k < 0.82 and allow_union:
            return self.union(depth)
        return self.record(depth + 1)

    def union(self, depth):
        branches, kinds = [], set()
        for _ in range(self.r.randint(1, 4)):
            t = self.typ(depth + 1, allow_union=False) if self.r.random() < 0.5 else self.r.choice(PRIMS)
            k = kind(t)
            if k in kinds:
                continue
            kinds.add(k)
            branches.append(t)
        if self.r.random() < 0.5 and "null" not in kinds:
            branches.insert(0, "null")
        return branches

    def field(self, depth, fname):
        t = self.typ(depth)
        f = {"name": fname, "type": t}
        if self.r.random() < 0.4:
            d = default_for(t, self.r)
            if d is not NODEFAULT:
                f["default"] = d
        return f

    def record(self, depth):
        rec = {"type": "record", "name": self.name("R"), "fields": []}
        for i in range(self.r.randint(0, 5)):
            rec["fields"].append(self.field(depth, "f%d" % i))
        return rec


NODEFAULT = object()


def kind(t):
    if isinstance(t, str):
        return t
    if isinstance(t, list):
        return "union"
    if t["type"] in ("record", "enum", "fixed"):
        return "n:" + t["name"]
    return t["type"]


def default_for(t, r):
    if isinstance(t, list):
        return default_for(t[0], r) if t else NODEFAULT
    if isinstance(t, str):
        return {"null": None, "boolean": True, "int": 1, "long": 2, "float": 1.5, "double": 2.5,
                "bytes": "\u00ff", "string": "s"}.get(t, NODEFAULT)
    k = t["type"]
    if k == "enum":
        return t["symbols"][0]
    if k == "fixed":
        return "x" * t["size"]
    if k == "array":
        return []
    if k == "map":
        return {}
    if k == "record":
        out = {}
        for f in t["fields"]:
            if "default" not in f:
                d = default_for(f["type"], r)
                if d is NODEFAULT:
                    return NODEFAULT
                out[f["name"]] = d
        return out
    return NODEFAULT


def records_in(t, acc):
    if isinstance(t, list):
        for b in t:
            records_in(b, acc)
    elif isinstance(t, dict):
        if t["type"] == "record":
            acc.append(t)
            for f in t["fields"]:
                records_in(f["type"], acc)
        elif t["type"] == "array":
            records_in(t["items"], acc)
        elif t["type"] == "map":
            records_in(t["values"], acc)
    return acc


def named_in(t, acc):
    if isinstance(t, list):
        for b in t:
            named_in(b, acc)
    elif isinstance(t, dict):
        if t["type"] in ("enum", "fixed", "union"):
            acc.append(t)
        if t["type"] == "record":
            for f in t["fields"]:
                named_in(f["type"], acc)
        elif t["type"] == "array":
            named_in(t["items"], acc)
        elif t["type"] == "map":
            named_in(t["values"], acc)
    return acc


def mutate(g, schema):
    """One random evolution step, in place."""
    r = g.r
    recs = records_in(schema, [])
    rec = r.choice(recs)
    op = r.random()
    fields = rec["fields"]
    if op < 0.2:
        fname = g.name("n")
        f = g.field(3, fname)
        if r.random() < 0.5:
            d = default_for(f["type"], r)
            if d is not NODEFAULT:
                f["default"] = d
        fields.insert(r.randint(0, len(fields)), f)
    elif op < 0.32 and fields:
        fields.pop(r.randrange(len(fields)))
    elif op < 0.55 and fields:
        f = r.choice(fields)
        t = f["type"]
        if isinstance(t, str) and t in PROMOTE and r.random() < 0.7:
            f["type"] = r.choice(PROMOTE[t])
        elif isinstance(t, list) and r.random() < 0.6:
            ks = {kind(b) for b in t}
            if r.random() < 0.5 and len(t) > 1:
                t.pop(r.randrange(1, len(t)))
            else:
                p = r.choice(PRIMS)
                if p not in ks:
                    t.append(p)
        else:
            f["type"] = g.typ(3)
        f.pop("default", None)
        if r.random() < 0.5:
            d = default_for(f["type"], r)
            if d is not NODEFAULT:
                f["default"] = d
    elif op < 0.75:
        named = [n for n in named_in(schema, []) if n["type"] in ("enum", "fixed")]
        if not named:
            return
        n = r.choice(named)
        if n["type"] == "fixed":
            n["size"] = r.choice([2, 4, 8, 16])
        elif r.random() < 0.4 and len(n["symbols"]) > 1:
            gone = n["symbols"].pop(r.randrange(len(n["symbols"])))
            if n.get("default") == gone:
                n["default"] = n["symbols"][0]
        elif r.random() < 0.6:
            n["symbols"].append(g.name("S"))
        elif "default" in n:
            del n["default"]
        else:
            n["default"] = r.choice(n["symbols"])
    elif op < 0.85 and fields:
        f = r.choice(fields)
        if "default" in f:
            del f["default"]
        else:
            d = default_for(f["type"], r)
            if d is not NODEFAULT:
                f["default"] = d
    elif op < 0.9 and rec is not schema:
        rec["name"] = g.name("X")
    elif fields:
        f = r.choice(fields)
        t = f["type"]
        f["type"] = t[1] if isinstance(t, list) and len(t) > 1 else ["null", t] if not isinstance(t, list) else t
        f.pop("default", None)


def fix_defaults(t):
    """Drop defaults made invalid by mutations elsewhere (e.g. a removed enum symbol)."""
    changed = True
    while changed:  # a dropped nested default can invalidate an outer one
        changed = False
        for rec in records_in(t, []):
            for f in rec["fields"]:
                if "default" in f and not valid_default(f["type"], f["default"]):
                    del f["default"]
                    changed = True


def valid_default(t, v):
    if isinstance(t, list):
        return bool(t) and valid_default(t[0], v)
    if isinstance(t, str):
        checks = {"null": lambda: v is None, "boolean": lambda: isinstance(v, bool),
                  "int": lambda: isinstance(v, int) and not isinstance(v, bool),
                  "long": lambda: isinstance(v, int) and not isinstance(v, bool),
                  "float": lambda: isinstance(v, (int, float)) and not isinstance(v, bool),
                  "double": lambda: isinstance(v, (int, float)) and not isinstance(v, bool),
                  "bytes": lambda: isinstance(v, str), "string": lambda: isinstance(v, str)}
        return checks[t]()
    k = t["type"]
    if k == "enum":
        return v in t["symbols"]
    if k == "fixed":
        return isinstance(v, str)
    if k == "array":
        return isinstance(v, list) and all(valid_default(t["items"], e) for e in v)
    if k == "map":
        return isinstance(v, dict) and all(valid_default(t["values"], e) for e in v.values())
    if k == "record":
        if not isinstance(v, dict):
            return False
        return all(valid_default(f["type"], v[f["name"]]) if f["name"] in v else "default" in f
                   for f in t["fields"])
    return False


def make_pair(g):
    base = g.record(0)
    evolved = json.loads(json.dumps(base))
    for _ in range(g.r.randint(1, 3)):
        mutate(g, evolved)
    fix_defaults(evolved)
    fix_defaults(base)
    return (evolved, base) if g.r.random() < 0.5 else (base, evolved)


def python_verdict(reader, writer):
    res = ReaderWriterCompatibilityChecker().get_compatibility(parse(json.dumps(reader)),
                                                               parse(json.dumps(writer)))
    return res.compatibility == SchemaCompatibilityType.compatible


def cairn_verdicts(pairs, tmp):
    procs, out = [], []
    for i, (reader, writer) in enumerate(pairs):
        rp, wp = os.path.join(tmp, "r%d.avsc" % i), os.path.join(tmp, "w%d.avsc" % i)
        with open(rp, "w") as f:
            json.dump(reader, f)
        with open(wp, "w") as f:
            json.dump(writer, f)
        procs.append(subprocess.Popen([CAIRN, "check", "--level", "BACKWARD", "--format", "json",
                                       "--against", wp, rp], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE))
    for p in procs:
        so, se = p.communicate()
        out.append((p.returncode, so.decode(), se.decode()))
    return out


def helper_verdicts(pairs, tmp):
    pin, pout = os.path.join(tmp, "pairs.txt"), os.path.join(tmp, "verdicts.txt")
    with open(pin, "w") as f:
        for reader, writer, _ in pairs:
            f.write(json.dumps(reader) + "\t" + json.dumps(writer) + "\n")
    subprocess.run([HELPER, pin, pout], check=True)
    with open(pout) as f:
        return [line.rstrip("\n") for line in f]


def report(diffs, what, reader, writer, detail):
    if diffs <= 10:
        print("%s\n  reader %s\n  writer %s\n  %s" % (what, json.dumps(reader), json.dumps(writer), detail))


def main():
    for exe in (CAIRN, HELPER):
        if not os.access(exe, os.X_OK):
            print("not built:", exe)
            return 1
    print("CAIRN_TEST_SEED=%d pairs=%d" % (SEED, PAIRS))
    g = Gen(random.Random(SEED))
    pairs = []
    while len(pairs) < PAIRS:
        reader, writer = make_pair(g)
        try:
            verdict = python_verdict(reader, writer)
        except Exception:  # python refuses the pair (rare): not a comparison
            continue
        pairs.append((reader, writer, verdict))
    diffs, yes, pcfs = 0, 0, 0
    with tempfile.TemporaryDirectory(prefix="cairn-avro-diff-") as tmp:
        for (reader, writer, want), line in zip(pairs, helper_verdicts(pairs, tmp)):
            got, _, pcf = line.partition("\t")
            if got in ("0", "1"):
                pcfs += 1
                if pcf != parse(json.dumps(reader)).canonical_form:
                    diffs += 1
                    report(diffs, "PCF differs", reader, writer, pcf)
            if got not in ("0", "1"):
                diffs += 1
                report(diffs, "cairn refused a schema", reader, writer, got)
                continue
            yes += got == "1"
            if (got == "1") != want:
                diffs += 1
                report(diffs, "DIFF python=%s cairn=%s" % (want, got == "1"), reader, writer, "")
        sample = pairs[:CLI_SAMPLE]
        for start in range(0, len(sample), 16):
            batch = sample[start:start + 16]
            for (reader, writer, want), (rc, so, se) in zip(batch, cairn_verdicts([(p[0], p[1]) for p in batch], tmp)):
                if rc not in (0, 100) or (rc == 0) != want:
                    diffs += 1
                    report(diffs, "cairn check exit %d, python %s" % (rc, want), reader, writer, so + se)
    print("%d pairs, %d compatible, %d incompatible, %d canonical forms, %d through cairn check, "
          "%d disagreements" % (len(pairs), yes, len(pairs) - yes, pcfs, min(CLI_SAMPLE, len(pairs)), diffs))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
