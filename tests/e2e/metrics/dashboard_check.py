#!/usr/bin/env python3
"""Checks a Grafana dashboard against the metrics Plumb exposes.

Usage: dashboard_check.py DASHBOARD.json SCRAPE.txt
  Every metric name the dashboard's PromQL queries use (panel targets and template variable
  queries) must be a family /metrics declares ("# TYPE name type"), a histogram's
  name_bucket/_sum/_count included. Exit 0 when so, 1 with the missing names otherwise.
Usage: dashboard_check.py DASHBOARD.json --source SRC_DIR
  The same against the names registered in the source (string literals passed to the
  registry), for a check that needs no running controller.
"""
import json
import re
import sys

KEYWORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
    "unless", "offset", "inf", "nan",
}


def queries(node):
    """Every PromQL expression in the dashboard: targets' expr, variables' query."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("expr", "definition") and isinstance(value, str):
                yield value
            elif key == "query" and isinstance(value, dict) and "query" in value:
                yield value["query"]
            else:
                yield from queries(value)
    elif isinstance(node, list):
        for item in node:
            yield from queries(item)


def metric_names(expr):
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # strings
    expr = re.sub(r"\{[^}]*\}", "", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)  # ranges
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    expr = re.sub(r"\$\w+", "", expr)  # Grafana variables
    expr = re.sub(r"label_values\(([^,()]*),[^)]*\)", r"(\1)", expr)  # Grafana: its label
    names = set()
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", expr):
        rest = expr[m.end():].lstrip()
        word = m.group(0)
        if rest.startswith("(") or word.lower() in KEYWORDS:
            continue  # a function or a keyword
        if m.start() > 0 and expr[m.start() - 1].isdigit():
            continue  # 5m, 1e3
        names.add(word)
    return names


def exposed_from_scrape(path):
    families = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"# TYPE (\S+) (\S+)", line)
            if m:
                families[m.group(1)] = m.group(2)
    return families


def exposed_from_source(src):
    import pathlib
    families = {}
    pattern = re.compile(
        r'\.(counter|gauge|histogram)\(\s*"([a-z_:]+)"|function\(\s*"([a-z_:]+)"', re.S)
    for path in pathlib.Path(src).rglob("*.cpp"):
        for m in pattern.finditer(path.read_text()):
            if m.group(2):
                families[m.group(2)] = m.group(1)
            else:
                families[m.group(3)] = "gauge"
    return families


def main():
    if len(sys.argv) == 4 and sys.argv[2] == "--source":
        families = exposed_from_source(sys.argv[3])
    elif len(sys.argv) == 3:
        families = exposed_from_scrape(sys.argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        dashboard = json.load(f)
    known = set(families)
    for name, kind in families.items():
        if kind == "histogram":
            known |= {name + "_bucket", name + "_sum", name + "_count"}
    used = set()
    for expr in queries(dashboard):
        used |= metric_names(expr)
    if len(used) < 10:
        print(f"only {len(used)} metrics found in the dashboard's queries: {sorted(used)}",
              file=sys.stderr)
        return 1
    missing = sorted(used - known)
    if missing:
        print("queried but not exposed: " + ", ".join(missing), file=sys.stderr)
        return 1
    print(f"{len(used)} metrics queried, all exposed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
