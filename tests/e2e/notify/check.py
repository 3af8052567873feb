#!/usr/bin/env python3
"""Queries over the receiver's log (receiver.py) for the notification e2e tests.

  check.py LOG count PREFIX [FIELD=VALUE ...]  requests to paths starting with PREFIX whose
                                              JSON body has FIELD (dotted, [0] for lists)
  check.py LOG states SHA                     the states posted for SHA, in order: "pending,success"
  check.py LOG hmac PREFIX KEY                every request to PREFIX is signed: X-Signature is
                                              sha256=<hex HMAC-SHA256(KEY, body)>; prints the count
  check.py LOG header PREFIX NAME             NAME's value on the last request to PREFIX
  check.py LOG gaps PREFIX                    seconds between consecutive requests to PREFIX
"""
import hashlib
import hmac
import json
import sys


def requests(log, prefix):
    out = []
    try:
        with open(log) as f:
            for line in f:
                r = json.loads(line)
                if r["path"].startswith(prefix):
                    out.append(r)
    except FileNotFoundError:
        pass
    return out


def field(value, path):
    for part in path.split("."):
        if part.endswith("]"):
            name, index = part[:-1].split("[")
            value = value.get(name) if name else value
            value = value[int(index)] if isinstance(value, list) and len(value) > int(index) else None
        else:
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            return None
    return value


def matches(r, conditions):
    try:
        body = json.loads(r["body"])
    except ValueError:
        return False
    for c in conditions:
        key, want = c.split("=", 1)
        if str(field(body, key)) != want:
            return False
    return True


log, command = sys.argv[1], sys.argv[2]
args = sys.argv[3:]
if command == "count":
    print(sum(1 for r in requests(log, args[0]) if matches(r, args[1:])))
elif command == "states":
    print(",".join(json.loads(r["body"])["state"] for r in requests(log, "/api/v3/")
                   if r["path"].endswith("/statuses/" + args[0])))
elif command == "hmac":
    n = 0
    for r in requests(log, args[0]):
        want = "sha256=" + hmac.new(args[1].encode(), r["body"].encode(), hashlib.sha256).hexdigest()
        if r["headers"].get("X-Signature") != want:
            print("bad signature on", r["path"], r["headers"].get("X-Signature"), file=sys.stderr)
            sys.exit(1)
        n += 1
    print(n)
elif command == "header":
    rs = requests(log, args[0])
    print(rs[-1]["headers"].get(args[1], "") if rs else "")
elif command == "gaps":
    rs = requests(log, args[0])
    print(" ".join("%.2f" % (b["time"] - a["time"]) for a, b in zip(rs, rs[1:])))
else:
    sys.exit("unknown command " + command)
