#!/usr/bin/env python3
"""Conformance of the simulator's business flows, seen from Python's
standard xmlrpc.client: a sales order from quotation to paid invoice with
each version's wizards, and the faults integrators meet on the way.

usage: conformance_sales.py BASE_URL DB LOGIN PASSWORD VERSION
Prints one line per check and exits 1 when any check fails.
"""
import sys
import xmlrpc.client

BASE, DB, LOGIN, PASSWORD, VERSION = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
common = xmlrpc.client.ServerProxy(BASE + "/xmlrpc/2/common")
models = xmlrpc.client.ServerProxy(BASE + "/xmlrpc/2/object")
failed = []


def check(name, ok, detail=""):
    if not ok:
        failed.append(name)
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + repr(detail)))


uid = common.authenticate(DB, LOGIN, PASSWORD, {})


def call(model, method, *args, **kw):
    return models.execute_kw(DB, uid, PASSWORD, model, method, list(args), kw)


def fault_of(model, method, *args, **kw):
    try:
        call(model, method, *args, **kw)
    except xmlrpc.client.Fault as f:
        return f
    return None


def xmlid(module, name):
    return call("ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)], fields=["res_id"])[0]["res_id"]


def read(model, rid, *fields):
    return call(model, "read", [rid], list(fields))[0]


# --- a storable product with stock, a customer, an order -----------------
product_vals = {"name": "Conformance Desk", "list_price": 80.0}
product_vals.update({"is_storable": True} if VERSION >= 18 else {"type": "product"})
product = call("product.product", "create", product_vals)
if VERSION >= 15:
    quant = call("stock.quant", "create", {"product_id": product, "location_id": xmlid("stock", "stock_location_stock"),
                                           "inventory_quantity": 5.0}, context={"inventory_mode": True})
    f = fault_of("stock.quant", "action_apply_inventory", [quant])
    check("action_apply_inventory answers the marshal-None fault", f is not None and f.faultCode == 1, f)
else:
    tmpl = read("product.product", product, "product_tmpl_id")["product_tmpl_id"][0]
    w = call("stock.change.product.qty", "create", {"product_id": product, "product_tmpl_id": tmpl, "new_quantity": 5.0})
    call("stock.change.product.qty", "change_product_qty", [w])
check("stock set to 5", read("product.product", product, "qty_available")["qty_available"] == 5.0)

partner = call("res.partner", "create", {"name": "Conformance Customer"})
so = call("sale.order", "create", {"partner_id": partner, "client_order_ref": "OC-42", "order_line": [
    (0, 0, {"product_id": product, "product_uom_qty": 2.0, "price_unit": 80.0,
            "tax_id": [(6, 0, [xmlid("account", "sale_tax_19")])]})]})
order = read("sale.order", so, "name", "partner_id", "amount_total", "state")
check("order name from the S sequence", order["name"].startswith("S") and len(order["name"]) == 6, order)
check("many2one reads as [id, name]", order["partner_id"] == [partner, "Conformance Customer"], order["partner_id"])
check("amount_total = 2 x 80 + 19%", abs(order["amount_total"] - 190.4) < 1e-9, order)

f = fault_of("sale.order", "_create_invoices", [so])
check("_create_invoices is private: Fault 4", f is not None and f.faultCode == 4
      and f.faultString == "Private methods (such as _create_invoices) cannot be called remotely.", f)

check("action_confirm returns True", call("sale.order", "action_confirm", [so]) is True)
picking = read("sale.order", so, "picking_ids")["picking_ids"][0]
check("delivery reserved", read("stock.picking", picking, "state")["state"] == "assigned")
check("free_qty drops with the reservation", read("product.product", product, "free_qty")["free_qty"] == 3.0)

# --- validation with the version's wizards -----------------------------
wizards = []
try:
    res = call("stock.picking", "button_validate", [picking])
    while isinstance(res, dict):
        wizards.append(res["res_model"])
        ctx = res.get("context") or {}
        wid = res.get("res_id") or call(res["res_model"], "create", {}, context=ctx)
        res = call(res["res_model"], "process", [wid], context=ctx)
except xmlrpc.client.Fault as f:
    check("only 13 ends validation with None", VERSION == 13 and "cannot marshal None" in f.faultString, f)
expected = [] if VERSION >= 17 else ["stock.immediate.transfer"]
check("validation wizards %s" % expected, wizards == expected, wizards)
check("delivery done", read("stock.picking", picking, "state")["state"] == "done")
check("stock left: 3", read("product.product", product, "qty_available")["qty_available"] == 3.0)

# --- invoice, post, pay --------------------------------------------------
ctx = {"active_model": "sale.order", "active_ids": [so], "active_id": so}
wiz_vals = {"advance_payment_method": "delivered"}
if VERSION >= 16:
    wiz_vals["sale_order_ids"] = [(6, 0, [so])]
wiz = call("sale.advance.payment.inv", "create", wiz_vals, context=ctx)
call("sale.advance.payment.inv", "create_invoices", [wiz], context=ctx)
inv = read("sale.order", so, "invoice_ids")["invoice_ids"][0]
check("order fully invoiced", read("sale.order", so, "invoice_status")["invoice_status"] == "invoiced")
check("action_post returns True", call("account.move", "action_post", [inv]) is True)
name = read("account.move", inv, "name")["name"]
f = fault_of("account.move", "action_post", [inv])
check("posting twice: Fault 2 with Odoo's wording", f is not None and f.faultCode == 2
      and f.faultString == "The entry %s (id %d) is already posted." % (name, inv), f)

pay_ctx = {"active_model": "account.move", "active_ids": [inv]}
pay_vals = {"journal_id": xmlid("account", "bank_journal")}
if VERSION == 13:
    pay_vals["payment_method_id"] = xmlid("account", "account_payment_method_manual_in")
reg = call("account.payment.register", "create", pay_vals, context=pay_ctx)
method = "create_payments" if VERSION == 13 else "action_create_payments"
action = call("account.payment.register", method, [reg], context=pay_ctx)
check("%s opens the payment" % method, action.get("res_model") == "account.payment", action)
state_field = "invoice_payment_state" if VERSION == 13 else "payment_state"
check("invoice paid", read("account.move", inv, state_field)[state_field] == "paid")
other = "action_create_payments" if VERSION == 13 else "create_payments"
f = fault_of("account.payment.register", other, [reg], context=pay_ctx)
check("another version's button: Fault 1", f is not None and f.faultCode == 1, f)

f = fault_of("account.move", "button_draft", [inv])
check("button_draft returns None: Fault 1 after the commit", f is not None and f.faultCode == 1
      and "cannot marshal None" in f.faultString, f)
check("the reset is committed", read("account.move", inv, "state")["state"] == "draft")

print("%d checks failed" % len(failed) if failed else "all checks passed")
sys.exit(1 if failed else 0)
