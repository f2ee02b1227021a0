# SPDX-License-Identifier: Apache-2.0
#
# Differential test of the JSON Schema validator: random schemas (drafts 4 to 2020-12,
# over the applicators, unevaluated*, $ref into $defs, counts, enums, simple patterns) and
# random instances, judged by `cairn validate` and by Debian's python3-jsonschema (4.10, an
# implementation nobody here wrote). Verdicts must agree on every pair. Formats are annotations
# on both sides; patterns stay in the subset where Python's re and ECMA-262 agree; where
# python-jsonschema 4.10 is known to be wrong (additionalProperties does not count as evaluated
# for unevaluatedProperties; 2019-09 contains counts for unevaluatedItems; a nested
# unevaluatedProperties evaluates nothing for its parent) the generator keeps those keywords
# apart and unevaluated* at the root. Run with
# /usr/bin/python3; prints its seed (CAIRN_TEST_SEED repeats a run).
import json
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from regtest import BUILD  # noqa: E402

try:
    import jsonschema
except ImportError as e:
    print("skipped:", e)
    sys.exit(77)

CAIRN = os.path.join(BUILD, "bin", "cairn")
DRAFTS = {
    "4": ("http://json-schema.org/draft-04/schema#", jsonschema.Draft4Validator),
    "6": ("http://json-schema.org/draft-06/schema#", jsonschema.Draft6Validator),
    "7": ("http://json-schema.org/draft-07/schema#", jsonschema.Draft7Validator),
    "2019-09": ("https://json-schema.org/draft/2019-09/schema", jsonschema.Draft201909Validator),
    "2020-12": ("https://json-schema.org/draft/2020-12/schema", jsonschema.Draft202012Validator),
}
NAMES = ["a", "b", "c", "d"]
PATTERNS = ["^a", "b$", "^[0-9]+$", "x|y", "^.{2}$"]


class Gen:
    def __init__(self, rnd, draft, python_quirks=True):
        self.r = rnd
        self.draft = draft
        self.refs = True
        self.free = not python_quirks
        # python-jsonschema 4.10 does not count additionalProperties (nor, in 2019-09, counts
        # contains, wrongly) as evaluation for unevaluated*: a schema uses one side or the other.
        self.uneval = draft not in ("4", "6", "7") and rnd.random() < 0.5

    def scalar(self):
        return self.r.choice([0, 1, 2, -1, 1.5, "a", "ab", "b", "12", "", True, False, None])

    def instance(self, depth=0):
        k = self.r.random()
        if depth > 2 or k < 0.4:
            return self.scalar()
        if k < 0.7:
            return {n: self.instance(depth + 1) for n in self.r.sample(NAMES, self.r.randint(0, 3))}
        return [self.instance(depth + 1) for _ in range(self.r.randint(0, 3))]

    def leaf(self):
        r = self.r
        c = r.randint(0, 9)
        if c == 0:
            return {"type": r.choice(["string", "integer", "number", "boolean", "null", "object",
                                      "array"])}
        if c == 1:
            return {"type": r.sample(["string", "integer", "null", "object"], 2)}
        if c == 2:
            return {"enum": [self.scalar() for _ in range(2)]}
        if c == 3:
            return {"const": self.scalar()}
        if c == 4:
            return {"minimum": r.choice([0, 1]), "exclusiveMaximum": 2}
        if c == 5:
            return {"minLength": 1, "maxLength": 2, "pattern": r.choice(PATTERNS)}
        if c == 6:
            return {"multipleOf": r.choice([1, 0.5, 2])}
        if c == 7:
            return {"minItems": 1, "maxProperties": 2}
        if c == 8 or not self.refs:
            return r.choice([True, False, {}])
        return {"$ref": "#/$defs/d" if self.draft not in ("4", "6", "7") else "#/definitions/d"}

    def schema(self, depth=0):
        r = self.r
        if depth >= 3:
            return self.leaf()
        s = {}
        for _ in range(r.randint(1, 3)):
            c = r.randint(0, 14)
            sub = lambda: self.schema(depth + 1)  # noqa: E731
            if c == 0:
                s["properties"] = {n: sub() for n in r.sample(NAMES, 2)}
            elif c == 1:
                s["required"] = r.sample(NAMES, 1)
            elif c == 2 and (self.free or not self.uneval):
                s["additionalProperties"] = sub()
            elif c == 3:
                s["patternProperties"] = {r.choice(["^a", "b|c"]): sub()}
            elif c == 4:
                s[r.choice(["allOf", "anyOf", "oneOf"])] = [sub() for _ in range(2)]
            elif c == 5:
                s["not"] = sub()
            elif c == 6:
                s["if"], s["then"] = sub(), sub()
                if r.random() < 0.5:
                    s["else"] = sub()
            elif c == 7:
                s["items"] = sub()
            elif c == 8:
                if self.draft == "2020-12":
                    s["prefixItems"] = [sub()]
                else:
                    s["items"] = [sub()]
                    s["additionalItems"] = sub()
            elif c == 9 and (self.free and self.draft != "2019-09" or not self.uneval):
                s["contains"] = sub()
                if self.draft not in ("4", "6", "7") and r.random() < 0.5:
                    s["minContains"] = r.choice([0, 2])
            elif c == 10 and self.uneval and (self.free or depth == 0):
                s["unevaluatedProperties"] = r.choice([False, sub()])
            elif c == 11 and self.uneval and (self.free or depth == 0):
                s["unevaluatedItems"] = r.choice([False, sub()])
            elif c == 12 and self.draft not in ("4", "6", "7"):
                s["dependentSchemas"] = {r.choice(NAMES): sub()}
            elif c == 13:
                if self.draft in ("4", "6", "7"):
                    s["dependencies"] = {r.choice(NAMES): r.choice([r.sample(NAMES, 1), sub()])}
                else:
                    s["dependentRequired"] = {r.choice(NAMES): r.sample(NAMES, 1)}
            else:
                leaf = self.leaf()
                s.update(leaf if isinstance(leaf, dict) else {})
        return s


def run_case(g, draft, tmp, n_inst):
    uri, validator = DRAFTS[draft]
    schema = g.schema()
    schema["$schema"] = uri
    g.refs = False  # the target of "$ref" does not refer back: no infinite loop on either side
    schema["$defs" if draft not in ("4", "6", "7") else "definitions"] = {"d": g.schema(2)}
    if draft == "4":  # draft 4: exclusiveMaximum is a flag beside maximum
        schema = json.loads(json.dumps(schema).replace('"exclusiveMaximum": 2',
                                                        '"maximum": 2, "exclusiveMaximum": true'))
    g.refs = True
    try:
        validator.check_schema(schema)
    except jsonschema.SchemaError:
        return 0, []
    sp = os.path.join(tmp, "s.json")
    with open(sp, "w") as f:
        json.dump(schema, f)
    insts, paths = [g.instance() for _ in range(n_inst)], []
    for i, x in enumerate(insts):
        p = os.path.join(tmp, "i%d.json" % i)
        with open(p, "w") as f:
            json.dump(x, f)
        paths.append(p)
    out = subprocess.run([CAIRN, "validate", "--quiet", "--schema", sp] + paths,
                         capture_output=True, text=True, timeout=60)
    if out.returncode not in (0, 100):
        return n_inst, ["cairn exit %d on %s: %s" % (out.returncode, json.dumps(schema),
                                                     out.stderr.strip())]
    invalid = {line.split(": invalid")[0] for line in out.stdout.splitlines()}
    v = validator(schema)
    diffs = []
    for p, x in zip(paths, insts):
        try:
            theirs = v.is_valid(x)
        except (TypeError, RecursionError):  # python-jsonschema 4.10 fails on some messages
            continue
        ours = p not in invalid
        if ours != theirs:
            diffs.append("draft %s schema %s instance %s: cairn %s, python-jsonschema %s" % (
                draft, json.dumps(schema), json.dumps(x), ours, theirs))
    return n_inst, diffs


def main():
    if not os.access(CAIRN, os.X_OK):
        print("skipped: no", CAIRN)
        return 77
    seed = int(os.environ.get("CAIRN_TEST_SEED", random.randrange(1 << 30)))
    print("seed", seed)
    rnd = random.Random(seed)
    pairs, diffs = 0, []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(int(os.environ.get("CAIRN_JS_DIFF_SCHEMAS", "300"))):
            draft = rnd.choice(list(DRAFTS))
            n, d = run_case(Gen(rnd, draft), draft, tmp, 20)
            pairs += n
            diffs += d
    for d in diffs[:20]:
        print("DIFF", d)
    print("test_jsonschema_differential: %d pairs, %d disagreements" % (pairs, len(diffs)))
    return 0 if not diffs and pairs > 1000 else 1


if __name__ == "__main__":
    sys.exit(main())
