#!/usr/bin/env python3
"""Compare Clientele's OpenAPI document with Medusa's published YAML for the paths they share.

  scripts/openapi_compare.py [--medusa ../shared/medusa-openapi] [--ours openapi/clientele.json]
                             [--differences openapi/differences.json]

For every operation in Medusa's document it compares: that the operation exists, the parameters
(name and location), the request body's properties and required ones, and the 200 response's
properties (the envelope and the resource inside it) and required ones. Every difference found must
be matched, with its reason, by a pattern (fnmatch) in the reviewed list `openapi/differences.json`;
the run fails on a difference no pattern matches, and on a pattern that matches nothing (stale).
"""
import argparse
import fnmatch
import json
import os
import sys

import yaml


def load(path, cache={}):
    if path not in cache:
        with open(path) as f:
            cache[path] = yaml.safe_load(f)
    return cache[path]


def resolve(node, base):
    """Inline every $ref (relative files and #/ pointers) under `node`."""
    if isinstance(node, dict):
        if "$ref" in node:
            ref = node["$ref"]
            file_part, _, pointer = ref.partition("#")
            target_file = os.path.normpath(os.path.join(os.path.dirname(base), file_part)) if file_part else base
            target = load(target_file)
            for part in [p for p in pointer.split("/") if p]:
                target = target[part]
            return resolve(target, target_file)
        return {k: resolve(v, base) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve(v, base) for v in node]
    return node


def merged(schema):
    """An object schema with allOf branches merged: (properties, required)."""
    if not isinstance(schema, dict):
        return {}, set()
    props, required = dict(schema.get("properties") or {}), set(schema.get("required") or [])
    for branch in schema.get("allOf") or []:
        p, r = merged(branch)
        props.update(p)
        required |= r
    return props, required


def shape(schema):
    """{'': (props, required), '<prop>': (props, required) for object/array-of-object props}."""
    props, required = merged(schema)
    out = {"": (set(props), required)}
    for name, sub in props.items():
        if isinstance(sub, dict) and sub.get("type") == "array":
            sub = sub.get("items") or {}
        p, r = merged(sub)
        if p:
            out[name] = (set(p), r)
    return out


def operation_facts(op):
    params = {(p["name"], p["in"]) for p in op.get("parameters") or []}
    body = (((op.get("requestBody") or {}).get("content") or {}).get("application/json") or {}).get("schema")
    resp = ((((op.get("responses") or {}).get("200") or {}).get("content") or {}).get("application/json") or {}).get("schema")
    return params, (shape(body) if body else None), (shape(resp) if resp else None)


def differences(medusa_root, ours):
    root_file = os.path.join(medusa_root, "openapi.yaml")
    medusa = resolve(load(root_file), root_file)
    found = []
    for path, item in sorted(medusa["paths"].items()):
        for method, op in sorted(item.items()):
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            where = f"{method.upper()} {path}"
            mine = ((ours["paths"].get(path) or {}).get(method))
            if mine is None:
                found.append(f"{where}: operation only in Medusa")
                continue
            m_params, m_body, m_resp = operation_facts(op)
            o_params, o_body, o_resp = operation_facts(resolve_local(mine, ours))
            for name, loc in sorted(m_params - o_params):
                found.append(f"{where}: parameter {name} ({loc}) only in Medusa")
            for name, loc in sorted(o_params - m_params):
                found.append(f"{where}: parameter {name} ({loc}) only in Clientele")
            for label, m, o in (("body", m_body, o_body), ("response", m_resp, o_resp)):
                if m is None and o is None:
                    continue
                if m is None or o is None:
                    found.append(f"{where}: {label} schema only in {'Clientele' if m is None else 'Medusa'}")
                    continue
                for part in sorted(set(m) | set(o)):
                    at = f"{where}: {label}{'.' + part if part else ''}"
                    if part not in o:
                        found.append(f"{at}: object only in Medusa")
                        continue
                    if part not in m:
                        found.append(f"{at}: object only in Clientele")
                        continue
                    (mp, mr), (op_, orq) = m[part], o[part]
                    for p in sorted(mp - op_):
                        found.append(f"{at}: property {p} only in Medusa")
                    for p in sorted(op_ - mp):
                        found.append(f"{at}: property {p} only in Clientele")
                    for p in sorted((mr - orq) & op_):
                        found.append(f"{at}: {p} required only in Medusa")
                    for p in sorted((orq - mr) & mp):
                        found.append(f"{at}: {p} required only in Clientele")
    return found


def resolve_local(node, doc):
    if isinstance(node, dict):
        if "$ref" in node and node["$ref"].startswith("#/"):
            target = doc
            for part in node["$ref"][2:].split("/"):
                target = target[part]
            return resolve_local(target, doc)
        return {k: resolve_local(v, doc) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve_local(v, doc) for v in node]
    return node


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--medusa", default=os.path.join(root, "..", "shared", "medusa-openapi"))
    parser.add_argument("--ours", default=os.path.join(root, "openapi", "clientele.json"))
    parser.add_argument("--differences", default=os.path.join(root, "openapi", "differences.json"))
    parser.add_argument("--print", action="store_true", help="print every difference found, as a JSON skeleton")
    args = parser.parse_args()
    with open(args.ours) as f:
        ours = json.load(f)
    found = differences(args.medusa, ours)
    if args.print:
        print(json.dumps({d: "" for d in found}, indent=2))
        return
    with open(args.differences) as f:
        reviewed = json.load(f)["differences"]
    for entry in reviewed:
        if not entry.get("reason"):
            sys.exit(f"a reviewed difference has no reason: {entry['pattern']}")
    unexplained = [d for d in found if not any(fnmatch.fnmatchcase(d, e["pattern"]) for e in reviewed)]
    stale = sorted(e["pattern"] for e in reviewed if not any(fnmatch.fnmatchcase(d, e["pattern"]) for d in found))
    for d in unexplained:
        print(f"UNEXPLAINED {d}")
    for d in stale:
        print(f"STALE       {d}")
    print(f"{len(found)} differences from Medusa's OpenAPI, {len(found) - len(unexplained)} reviewed, "
          f"{len(unexplained)} unexplained, {len(stale)} stale")
    sys.exit(1 if unexplained or stale else 0)


if __name__ == "__main__":
    main()
