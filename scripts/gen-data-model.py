#!/usr/bin/env python3
"""Regenerates docs/data-model.md from core/src/model/entity.rs (run after changing fields;
core's test `data_model_doc_lists_every_field` fails when the doc is stale)."""
import re, pathlib
root = pathlib.Path(__file__).resolve().parent.parent
src = (root / "core/src/model/entity.rs").read_text()
blocks = dict(re.findall(r'const (\w+): &\[FieldDef\] = &\[(.*?)\n\];', src, re.S))
defs = re.findall(r'def\(Entity::(\w+), "(\w+)", "([^"]*)", "(\w+)", (Some\(\d+\)|None), (\w+), (\w+), (\w+), (\w+), &\[(.*?)\]\),\n', src)
head = (root / "docs/data-model.head.md").read_text()
out = [head.rstrip(), ""]
kinds = {"Text": "text", "Date": "date", "Int": "int", "Bool": "bool", "Nip": "nip", "NipLama": "nip (9 digits)",
         "Nik": "nik", "Phone": "phone", "Email": "email", "EmailGov": "email_gov", "Sex": "sex"}
for ent, table, label, key, jr, owner, sens, reqrows, block, docs in defs:
    out += [f"## `{table}`: {label}", ""]
    facts = [f"SIASN group `{key}`"]
    if jr != "None":
        facts.append("jenisRiwayat " + jr[5:-1])
    facts.append(f"rows added by {owner.lower()}")
    if sens == "true":
        facts.append("**sensitive** personal data (UU PDP)")
    if reqrows == "true" and table != "pegawai":
        facts.append("at least one row required")
    d = re.findall(r'doc\("([^"]+)", "([^"]+)"\)', docs)
    if d:
        facts.append("documents per row: " + ", ".join(f"`{a}` {b}" for a, b in d))
    out += ["; ".join(facts) + ".", "", "| field | SIASN | kind | owner | required | label |", "|---|---|---|---|---|---|"]
    for fn, name, siasn, kind, own, lab in re.findall(r'(req|f)\("(\w+)", "(\w+)", ([A-Za-z]+(?:\("[^"]*"\)|\(\w+\))?), (\w+), "([^"]*)"\)', blocks[block]):
        m = re.match(r'Ref\("([^"]*)"\)', kind)
        k = "ref:" + m.group(1).replace("|", " or ") if m else ("choice" if kind.startswith("Choice") else kinds.get(kind, kind))
        out.append(f"| `{name}` | `{siasn}` | {k} | {own.lower()} | {'yes' if fn == 'req' else ''} | {lab} |")
    out.append("")
(root / "docs/data-model.md").write_text("\n".join(out))
print(f"{len(defs)} entities")
