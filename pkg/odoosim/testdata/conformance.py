#!/usr/bin/env python3
"""Independent conformance check of the Odoo simulator.

Uses only Python's standard xmlrpc.client, the same client stack a real Odoo
is usually scripted with, so the simulator's codec is checked by a parser it
shares no code with.

usage: conformance.py BASE_URL DB LOGIN PASSWORD VERSION
Prints one line per check and exits 1 when any check fails.
"""
import re
import sys
import xmlrpc.client

BASE, DB, LOGIN, PASSWORD, VERSION = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
common = xmlrpc.client.ServerProxy(BASE + "/xmlrpc/2/common")
models = xmlrpc.client.ServerProxy(BASE + "/xmlrpc/2/object")
results = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    results["passed" if ok else "failed"] += 1
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + str(detail)))


def fault_of(fn, *args, **kw):
    """Returns the xmlrpc.client.Fault raised by fn, or None."""
    try:
        fn(*args, **kw)
    except xmlrpc.client.Fault as f:
        return f
    return None


uid = common.authenticate(DB, LOGIN, PASSWORD, {})


def call(model, method, *args, **kw):
    return models.execute_kw(DB, uid, PASSWORD, model, method, list(args), kw)


# --- common service -----------------------------------------------------
info = common.version()
check("version has 6-element server_version_info", len(info["server_version_info"]) == 6, info)
check("version is the configured major", info["server_version_info"][0] == VERSION and info["server_serie"] == "%d.0" % VERSION, info)
check("authenticate returns an int uid", isinstance(uid, int) and uid > 0, uid)
check("bad password: authenticate returns False, not a fault", common.authenticate(DB, LOGIN, "wrong", {}) is False)

# --- faults -------------------------------------------------------------
f = fault_of(models.execute_kw, DB, uid, "wrong", "res.partner", "search", [[]])
check("bad credentials on object call: Fault 3 Access Denied", f is not None and f.faultCode == 3 and f.faultString == "Access Denied", f)

f = fault_of(call, "res.partner", "_compute_display_name", [1])
check("private method: Fault 4 with Odoo wording",
      f is not None and f.faultCode == 4 and f.faultString == "Private methods (such as _compute_display_name) cannot be called remotely.", f)

f = fault_of(call, "no.such.model", "search", [])
check("unknown model: Fault 2", f is not None and f.faultCode == 2 and f.faultString == "Object no.such.model doesn't exist", f)

f = fault_of(call, "res.partner", "search_read", [], fields=["no_such_field"])
check("unknown field: Fault 1 traceback ending in ValueError",
      f is not None and f.faultCode == 1 and f.faultString.startswith("Traceback (most recent call last):")
      and f.faultString.rstrip("\n").endswith("ValueError: Invalid field 'no_such_field' on model 'res.partner'"), f)

f = fault_of(call, "res.partner", "no_such_method", [1])
check("unknown method: Fault 1 AttributeError", f is not None and f.faultCode == 1 and "AttributeError" in f.faultString, f)

f = fault_of(call, "product.template", "create", {"list_price": 3.0})
check("missing required field: Fault 2 mandatory-field text",
      f is not None and f.faultCode == 2 and "a mandatory field is not set" in f.faultString and "(product.template)" in f.faultString
      and "Field: Name (name)" in f.faultString, f)

f = fault_of(call, "res.partner", "create", {"name": "Bad country", "country_id": 999999})
check("many2one to a missing id: Fault 2 foreign key text",
      f is not None and f.faultCode == 2 and "another model requires the record being deleted" in f.faultString
      and "res_partner_country_id_fkey" in f.faultString, f)

f = fault_of(call, "res.partner", "read", [999999], ["name"])
check("read of a missing id: Fault 2 MissingError", f is not None and f.faultCode == 2 and f.faultString.startswith("Record does not exist or has been deleted."), f)

# --- values -------------------------------------------------------------
country = call("res.country", "search_read", [["code", "=", "DE"]], fields=["id", "name"])[0]
pid = call("res.partner", "create", {"name": "Conformance GmbH", "is_company": True, "country_id": country["id"]})
check("create with a dict returns an int", isinstance(pid, int), pid)
rec = call("res.partner", "read", [pid], ["name", "email", "parent_id", "country_id", "child_ids", "customer_rank", "create_date", "write_date", "active"])[0]
check("empty char reads as False (never None)", rec["email"] is False, rec)
check("empty many2one reads as False", rec["parent_id"] is False, rec)
check("many2one reads as [id, display name]", rec["country_id"] == [country["id"], country["name"]], rec)
check("empty x2many reads as []", rec["child_ids"] == [], rec)
check("integer reads as int", rec["customer_rank"] == 0 and isinstance(rec["customer_rank"], int), rec)
date_re = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
check("datetimes are 'YYYY-MM-DD HH:MM:SS' strings", bool(date_re.match(rec["create_date"])) and bool(date_re.match(rec["write_date"])), rec)
check("read always includes id", rec["id"] == pid, rec)

ids = call("res.partner", "create", [{"name": "Batch A", "parent_id": pid, "type": "invoice"}, {"name": "Batch B", "parent_id": pid, "type": "delivery"}])
check("batch create returns a list of ids", isinstance(ids, list) and len(ids) == 2 and all(isinstance(i, int) for i in ids), ids)
children = call("res.partner", "read", [pid], ["child_ids"])[0]["child_ids"]
check("one2many lists the children", sorted(children) == sorted(ids), children)
dn = call("res.partner", "read", [ids[0]], ["display_name"])[0]["display_name"]
check("child contact display name is 'Parent, Child'", dn == "Conformance GmbH, Batch A", dn)

f = fault_of(call, "res.currency", "search", [["write_date", ">", "2024-01-01T10:00:00"]])
check("datetime with a 'T' separator refused: Fault 1 ValueError", f is not None and f.faultCode == 1 and "ValueError" in f.faultString, f)

check("write returns True", call("res.partner", "write", [pid], {"email": "info@conformance.example"}) is True)
check("unlink returns True", call("res.partner", "unlink", [ids[1]]) is True)

# --- search paging ------------------------------------------------------
for i in range(7):
    call("res.partner", "create", {"name": "Paging %d" % i, "ref": "paging"})
everything = call("res.partner", "search_read", [["ref", "=", "paging"]], fields=["name"], order="id")
pages = []
offset = 0
while True:
    page = call("res.partner", "search_read", [["ref", "=", "paging"]], fields=["name"], offset=offset, limit=3, order="id")
    if not page:
        break
    pages.append(page)
    offset += 3
flat = [r["id"] for p in pages for r in p]
check("search_read pages cover every row once, in order", flat == [r["id"] for r in everything] and len(flat) == 7, flat)
check("search_read pages have the limit size", [len(p) for p in pages] == [3, 3, 1], [len(p) for p in pages])
desc = call("res.partner", "search_read", [["ref", "=", "paging"]], fields=["name"], order="name desc", limit=2)
check("order desc with limit", [r["name"] for r in desc] == ["Paging 6", "Paging 5"], desc)
check("search_count", call("res.partner", "search_count", [["ref", "=", "paging"]]) == 7)

# --- per-version names --------------------------------------------------
gateway = "payment.provider" if VERSION >= 16 else "payment.acquirer"
other = "payment.acquirer" if VERSION >= 16 else "payment.provider"
check("payment gateway model of the version exists", call(gateway, "search_count", []) > 0)
f = fault_of(call, other, "search_count", [])
check("payment gateway model of another version: Fault 2", f is not None and f.faultCode == 2 and f.faultString == "Object %s doesn't exist" % other, f)
f = fault_of(call, "product.template", "create", {"name": "Typed", "type": "product"})
if VERSION >= 18:
    check("18: type 'product' refused with Wrong value", f is not None and f.faultCode == 1 and "Wrong value for product.template.type" in f.faultString, f)
else:
    check("type 'product' accepted before 18", f is None, f)
f = fault_of(call, "res.partner", "name_get", [pid])
if VERSION >= 18:
    check("18: name_get is gone", f is not None and f.faultCode == 1, f)
else:
    check("name_get before 18", f is None, f)

# --- products -----------------------------------------------------------
color = call("product.attribute", "create", {"name": "Conformance Color", "create_variant": "always"})
red = call("product.attribute.value", "create", {"name": "Red", "attribute_id": color})
blue = call("product.attribute.value", "create", {"name": "Blue", "attribute_id": color})
tmpl = call("product.template", "create", {"name": "Conformance Shirt", "list_price": 20.0,
                                            "attribute_line_ids": [(0, 0, {"attribute_id": color, "value_ids": [(6, 0, [red, blue])]})]})
variants = call("product.product", "search_read", [["product_tmpl_id", "=", tmpl]], fields=["combination_indices", "lst_price", "product_tmpl_id"])
check("attribute line generates one variant per value", len(variants) == 2, variants)
check("variant many2one to its template", all(v["product_tmpl_id"][0] == tmpl for v in variants), variants)

print("%d passed, %d failed" % (results["passed"], results["failed"]))
sys.exit(1 if results["failed"] else 0)
