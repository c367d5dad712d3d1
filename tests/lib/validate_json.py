#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""validate_json.py SCHEMA FILE...: checks each JSON file against the
JSON Schema (draft 2020-12) SCHEMA; prints every violation with the file
and the path of the value, and exits 1 when there is one."""
import json
import sys

import jsonschema


def main():
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    bad = 0
    for name in sys.argv[2:]:
        with open(name) as f:
            doc = json.load(f)
        for err in sorted(validator.iter_errors(doc), key=str):
            path = "/".join(str(p) for p in err.absolute_path)
            print(f"{name}: /{path}: {err.message}")
            bad += 1
    print(f"{len(sys.argv) - 2} documents, {bad} violations")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
