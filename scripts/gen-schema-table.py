#!/usr/bin/env python3
"""Generates src/merge/schema_table.cpp from ../shared/k8s-schema/builtin-types.json.

The table holds, for each built-in kind, its scope and root type, and for each type reachable
from a kind, its fields (inline types flattened) with the merge facts the merge code needs:
value kind, element type, patchStrategy, patchMergeKey, listType, listMapKeys, mapType,
structType; and the decoding facts the API server needs: the scalar type of the field (or of
its elements) and its Go type as Go's reflection names it ("[]v1.Container", "int32"). Strings live in one pool addressed by offset and size, so the table has no
pointers: nothing to relocate or parse at start-up.

Usage: scripts/gen-schema-table.py [builtin-types.json] [output.cpp]
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def default_input():
    """../shared beside the checkout; a worktree may sit deeper, so look further up too."""
    at = ROOT
    while True:
        candidate = os.path.join(os.path.dirname(at), "shared", "k8s-schema",
                                 "builtin-types.json")
        if os.path.exists(candidate) or os.path.dirname(at) == at:
            return candidate
        at = os.path.dirname(at)


DEFAULT_OUTPUT = os.path.join(ROOT, "src", "merge", "schema_table.cpp")

# Value kinds; keep in sync with schema_table.hpp.
KIND_ANY, KIND_SCALAR, KIND_OBJECT, KIND_LIST, KIND_MAP = range(5)
NO_TYPE = 0xFFFFFFFF

# Go types that serialize as one JSON scalar (custom marshalers or primitives).
SCALARS = {
    "string", "bool", "byte", "int", "int32", "int64", "uint32", "uint64", "float32",
    "float64", "[]byte", "intstr.IntOrString", "resource.Quantity", "meta/v1.Time",
    "meta/v1.MicroTime", "meta/v1.Duration", "types.UID", "types.NodeName",
}
# Arbitrary JSON.
ANY = {"runtime.RawExtension", "meta/v1.FieldsV1", "meta/v1/unstructured.Unstructured"}

# Scalar types; keep in sync with ScalarType in schema.hpp.
(SCALAR_NONE, SCALAR_STRING, SCALAR_BOOL, SCALAR_INT32, SCALAR_INT64, SCALAR_FLOAT,
 SCALAR_INT_OR_STRING, SCALAR_QUANTITY, SCALAR_BYTES, SCALAR_TIME, SCALAR_DURATION) = range(11)
SCALAR_CODES = {
    "string": SCALAR_STRING, "types.UID": SCALAR_STRING, "types.NodeName": SCALAR_STRING,
    "bool": SCALAR_BOOL, "byte": SCALAR_INT32, "int32": SCALAR_INT32, "uint32": SCALAR_INT64,
    "int": SCALAR_INT64, "int64": SCALAR_INT64, "uint64": SCALAR_INT64,
    "float32": SCALAR_FLOAT, "float64": SCALAR_FLOAT,
    "intstr.IntOrString": SCALAR_INT_OR_STRING, "resource.Quantity": SCALAR_QUANTITY,
    "[]byte": SCALAR_BYTES, "meta/v1.Time": SCALAR_TIME, "meta/v1.MicroTime": SCALAR_TIME,
    "meta/v1.Duration": SCALAR_DURATION,
}
# Named types the input lists no fields for are string enums ("core/v1.PullPolicy"), except
# these: their underlying Go type, or None when it is a struct the input does not describe.
NAMED_NOT_STRING = {
    "core/v1.ResourceList": "map[core/v1.ResourceName]resource.Quantity",
    "meta/v1.Verbs": "[]string",
    "authentication/v1.ExtraValue": "[]string",
    "authentication/v1beta1.ExtraValue": "[]string",
    "authorization/v1.ExtraValue": "[]string",
    "authorization/v1beta1.ExtraValue": "[]string",
    "certificates/v1.ExtraValue": "[]string",
    "certificates/v1beta1.ExtraValue": "[]string",
    "authentication/v1.AttestationValue": None,
    "apiserverinternal/v1alpha1.StorageVersionSpec": None,
    "admissionregistration/v1alpha1.MatchCondition": None,
    "admissionregistration/v1beta1.RuleWithOperations": None,
}


def go_reflect_name(go_type):
    """The type as Go's reflect prints it: package paths cut to their last element."""
    if go_type == "[]byte":
        return "[]uint8"
    if go_type == "byte":
        return "uint8"
    if go_type.startswith("[]"):
        return "[]" + go_reflect_name(go_type[2:])
    m = re.match(r"map\[([^\]]+)\](.*)$", go_type)
    if m:
        return "map[%s]%s" % (go_reflect_name(m.group(1)), go_reflect_name(m.group(2)))
    return re.sub(r"^(?:[^./]+/)*([^./]+\.[^.]+)$", r"\1", go_type)

PATCH_MERGE, PATCH_REPLACE, PATCH_RETAIN_KEYS = 1, 2, 4
LIST_TYPES = {None: 0, "atomic": 1, "set": 2, "map": 3}
MAP_TYPES = {None: 0, "atomic": 1, "granular": 2}
SCOPES = {"unknown": 0, "Namespaced": 1, "Cluster": 2}


def parse_go_type(go_type):
    """Returns (kind, element-or-object type name or None)."""
    if go_type in SCALARS:
        return KIND_SCALAR, None
    if go_type in ANY:
        return KIND_ANY, None
    if go_type.startswith("[]"):
        inner_kind, inner = parse_go_type(go_type[2:])
        return KIND_LIST, inner if inner_kind == KIND_OBJECT else None
    m = re.match(r"map\[[^\]]+\](.*)$", go_type)
    if m:
        inner_kind, inner = parse_go_type(m.group(1))
        return KIND_MAP, inner if inner_kind == KIND_OBJECT else None
    return KIND_OBJECT, go_type


def scalar_code(go_type, types):
    """The scalar type of a Go type, of its elements for lists and maps; 0 when not a scalar."""
    if go_type in SCALAR_CODES:
        return SCALAR_CODES[go_type]
    if go_type in SCALARS or go_type in ANY:
        return SCALAR_NONE
    if go_type.startswith("[]"):
        inner = go_type[2:]
        if inner in SCALAR_CODES:
            return SCALAR_CODES[inner]
        return 0 if inner.startswith(("[]", "map[")) else scalar_code(inner, types)
    m = re.match(r"map\[[^\]]+\](.*)$", go_type)
    if m:
        inner = m.group(1)
        if inner in SCALAR_CODES:
            return SCALAR_CODES[inner]
        return 0 if inner.startswith(("[]", "map[")) else scalar_code(inner, types)
    if go_type in NAMED_NOT_STRING:
        underlying = NAMED_NOT_STRING[go_type]
        return scalar_code(underlying, types) if underlying else SCALAR_NONE
    if go_type in types:
        return SCALAR_NONE
    return SCALAR_STRING  # a string enum


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else default_input()
    output = sys.argv[2] if len(sys.argv) > 2 else DEFAULT_OUTPUT
    with open(source) as f:
        data = json.load(f)
    types = data["types"]

    flat_cache = {}

    def flat_fields(name, seen=()):
        """Fields of a type with its inline types' fields merged in (own fields win)."""
        if name in flat_cache:
            return flat_cache[name]
        t = types.get(name)
        if t is None or name in seen:
            return {}
        fields = {}
        for inline in t.get("inline", []):
            fields.update(flat_fields(inline, seen + (name,)))
        fields.update(t.get("fields", {}))
        flat_cache[name] = fields
        return fields

    def is_object(name):
        return name in types and bool(flat_fields(name))

    # Types reachable from the kinds.
    reachable = set()
    stack = [k["type"] for k in data["kinds"].values()]
    while stack:
        name = stack.pop()
        if name in reachable or not is_object(name):
            continue
        reachable.add(name)
        for field in flat_fields(name).values():
            kind, inner = parse_go_type(field["type"])
            if inner:
                stack.append(inner)
    type_names = sorted(reachable)
    type_index = {n: i for i, n in enumerate(type_names)}
    assert len(type_names) < NO_TYPE

    pool = []
    pool_index = {}
    pool_size = [0]

    def intern(text):
        if text in pool_index:
            return pool_index[text]
        encoded = text.encode()
        assert len(encoded) < 256, text
        ref = (pool_size[0], len(encoded))
        pool.append(text)
        pool_size[0] += len(encoded)
        pool_index[text] = ref
        return ref

    key_lists = []  # flat list of string refs
    key_list_index = {}

    def intern_keys(keys):
        keys = tuple(keys)
        if not keys:
            return 0, 0
        if keys not in key_list_index:
            key_list_index[keys] = len(key_lists)
            key_lists.extend(intern(k) for k in keys)
        return key_list_index[keys], len(keys)

    type_rows = []
    field_rows = []
    for name in type_names:
        fields = flat_fields(name)
        first = len(field_rows)
        for json_name in sorted(fields, key=lambda s: s.encode()):
            field = fields[json_name]
            kind, inner = parse_go_type(field["type"])
            scalar = scalar_code(field["type"], types)
            if kind == KIND_OBJECT and inner not in type_index:
                # Named types that are not structs: string enums are scalars, the few others
                # take their underlying type's shape; undescribed structs merge by what the
                # data holds.
                underlying = NAMED_NOT_STRING.get(inner, "string")
                if inner in types or underlying is None:
                    kind, inner = KIND_ANY, None
                else:
                    kind, inner = parse_go_type(underlying)
            inner_index = type_index.get(inner, NO_TYPE) if inner else NO_TYPE
            flags = 0
            for part in (field.get("patchStrategy") or "").split(","):
                flags |= {"merge": PATCH_MERGE, "replace": PATCH_REPLACE,
                          "retainKeys": PATCH_RETAIN_KEYS, "": 0}[part]
            flags |= MAP_TYPES[field.get("mapType")] << 3
            flags |= MAP_TYPES[field.get("structType")] << 5
            keys_first, keys_count = intern_keys(field.get("listMapKeys") or [])
            field_rows.append((intern(json_name), intern(field.get("patchMergeKey") or ""),
                               inner_index, kind, flags, LIST_TYPES[field.get("listType")],
                               keys_first, keys_count, scalar,
                               intern(go_reflect_name(field["type"]))))
        type_rows.append((intern(name), first, len(field_rows) - first))

    kind_rows = []
    for gvk in sorted(data["kinds"], key=lambda s: s.encode()):
        k = data["kinds"][gvk]
        kind_rows.append((intern(gvk), type_index.get(k["type"], NO_TYPE), SCOPES[k["scope"]]))

    text = "".join(pool)
    assert len(text.encode()) < (1 << 24)

    out = []
    w = out.append
    w("// GENERATED by scripts/gen-schema-table.py from ../shared/k8s-schema/builtin-types.json;\n")
    w("// do not edit: change the script or the input and run it again. Sources:\n")
    for src in data.get("sources", []):
        w("//   %s\n" % src)
    w("// %d kinds, %d types, %d fields, %d bytes of strings.\n" %
      (len(kind_rows), len(type_rows), len(field_rows), len(text.encode())))
    w("// clang-format off\n")
    w('#include "merge/schema_table.hpp"\n\n')
    w("namespace plumb::schema_table {\n\n")
    w("#pragma GCC diagnostic push\n")
    w('#pragma GCC diagnostic ignored "-Woverlength-strings"\n')
    w("const char k_strings[] =\n")
    line = ""
    for piece in pool:
        esc = piece.replace("\\", "\\\\").replace('"', '\\"')
        if len(line) + len(esc) > 90:
            w('    "%s"\n' % line)
            line = ""
        line += esc
    w('    "%s";\n' % line)
    w("#pragma GCC diagnostic pop\n\n")

    def s(ref):
        return "{%d, %d}" % ref

    w("const Str k_list_keys[] = {\n")
    for ref in key_lists or [(0, 0)]:
        w("    %s,\n" % s(ref))
    w("};\n\n")
    w("const FieldRow k_fields[] = {\n")
    for (name, mkey, inner, kind, flags, ltype, kfirst, kcount, scalar, go) in field_rows:
        w("    {%s, %s, %d, %d, %d, %d, %d, %d, %d, %s},\n" %
          (s(name), s(mkey), inner, kind, flags, ltype, kfirst, kcount, scalar, s(go)))
    w("};\n\n")
    w("const TypeRow k_types[] = {\n")
    for (name, first, count) in type_rows:
        w("    {%s, %d, %d},\n" % (s(name), first, count))
    w("};\n\n")
    w("const KindRow k_kinds[] = {\n")
    for (gvk, type_i, scope) in kind_rows:
        w("    {%s, %d, %d},\n" % (s(gvk), type_i, scope))
    w("};\n\n")
    w("const Table k_table = {k_strings, k_list_keys, %d, k_fields, %d, k_types, %d, k_kinds, %d};\n\n"
      % (len(key_lists), len(field_rows), len(type_rows), len(kind_rows)))
    w("}  // namespace plumb::schema_table\n")
    with open(output, "w") as f:
        f.write("".join(out))
    print("%s: %d kinds, %d types, %d fields, %d bytes of strings" %
          (output, len(kind_rows), len(type_rows), len(field_rows), len(text.encode())))


if __name__ == "__main__":
    main()
