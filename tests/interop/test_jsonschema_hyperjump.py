# SPDX-License-Identifier: Apache-2.0
#
# Differential test of the JSON Schema validator against @hyperjump/json-schema (npm, a validator
# nobody here wrote that passes the official suite for every draft): the random schemas and
# instances of tests/integration/test_jsonschema_differential.py, without the restrictions that
# python-jsonschema's gaps impose there (unevaluated* at any depth, beside additionalProperties
# and contains), judged by `cairn validate` and by tests/interop/jsonschema_oracle.mjs. Verdicts
# must agree. One known reading differs and is kept apart: in 2019-09, Cairn does not count
# "contains" as evaluating items for unevaluatedItems (2019-09 Core §9.3.1.4 lists no annotation
# for it; 2020-12 added one), hyperjump does. Prints its seed (CAIRN_TEST_SEED).
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from regtest import BUILD  # noqa: E402
from test_jsonschema_differential import DRAFTS, Gen  # noqa: E402

CAIRN = os.path.join(BUILD, "bin", "cairn")


def cairn_verdicts(tmp, schema, insts):
    sp = os.path.join(tmp, "s.json")
    with open(sp, "w") as f:
        json.dump(schema, f)
    paths = []
    for i, x in enumerate(insts):
        p = os.path.join(tmp, "i%d.json" % i)
        with open(p, "w") as f:
            json.dump(x, f)
        paths.append(p)
    out = subprocess.run([CAIRN, "validate", "--quiet", "--schema", sp] + paths,
                         capture_output=True, text=True, timeout=60)
    if out.returncode not in (0, 100):
        return None
    invalid = {line.split(": invalid")[0] for line in out.stdout.splitlines()}
    return [p not in invalid for p in paths]


def main():
    if not os.access(CAIRN, os.X_OK) or not shutil.which("node") or \
            not os.path.isdir(os.path.join(HERE, "node_modules", "@hyperjump", "json-schema")):
        print("skipped: cairn, node or @hyperjump/json-schema missing")
        return 77
    seed = int(os.environ.get("CAIRN_TEST_SEED", random.randrange(1 << 30)))
    print("seed", seed)
    rnd = random.Random(seed)
    cases, ours = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(int(os.environ.get("CAIRN_JS_DIFF_SCHEMAS", "300"))):
            draft = rnd.choice(list(DRAFTS))
            g = Gen(rnd, draft, python_quirks=False)
            schema = g.schema()
            schema["$schema"] = DRAFTS[draft][0]
            g.refs = False
            schema["$defs" if draft not in ("4", "6", "7") else "definitions"] = {"d": g.schema(2)}
            if draft == "4":
                schema = json.loads(json.dumps(schema).replace(
                    '"exclusiveMaximum": 2', '"maximum": 2, "exclusiveMaximum": true'))
            insts = [g.instance() for _ in range(20)]
            v = cairn_verdicts(tmp, schema, insts)
            if v is None:  # a schema we refuse (e.g. a malformed keyword): not compared
                continue
            cases.append({"schema": schema, "instances": insts})
            ours.append(v)
        cp = os.path.join(tmp, "cases.json")
        with open(cp, "w") as f:
            json.dump(cases, f)
        out = subprocess.run(["node", os.path.join(HERE, "jsonschema_oracle.mjs"), cp],
                             capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        print("oracle failed:", out.stderr[-2000:])
        return 1
    theirs = json.loads(out.stdout)
    pairs, diffs = 0, []
    for case, a, b in zip(cases, ours, theirs):
        for x, va, vb in zip(case["instances"], a, b):
            if vb is None:
                continue
            pairs += 1
            if va != vb:
                diffs.append("schema %s instance %s: cairn %s, hyperjump %s" % (
                    json.dumps(case["schema"]), json.dumps(x), va, vb))
    for d in diffs[:20]:
        print("DIFF", d)
    print("test_jsonschema_hyperjump: %d pairs, %d disagreements" % (pairs, len(diffs)))
    return 0 if not diffs and pairs > 1000 else 1


if __name__ == "__main__":
    sys.exit(main())
