// Package odoosim simulates an Odoo 13-18 server over XML-RPC for tests and
// demos, failing for the same reasons a real Odoo fails.
//
// # Wire
//
// /xmlrpc/2/common (version, authenticate, login), /xmlrpc/2/object
// (execute_kw, execute) and /xmlrpc/2/db (list, server_version). The codec
// in xmlrpc.go is the simulator's own: it parses what Python's
// xmlrpc.client sends and answers in the byte layout of Python's
// marshaller. Replies never contain <nil/>: empty values are false, and a
// method returning None fails with Fault 1 after its commit, as in Odoo.
// Faults carry Odoo's integer codes and wording (fault.go); code 1 carries a
// Python traceback whose last line is "<ExceptionType>: <message>".
//
// # Engine
//
// Models are data (registry.go): a file per model group calls declare()
// with fields (type, label, required, default, relation, compute/inverse,
// version range), hooks, constraints and methods. The generic ORM
// (orm.go, methods.go, domain.go) implements create/write/unlink/read,
// search/search_read/search_count, fields_get, name_search, name_get (<=17),
// exists, copy, default_get, check_access_rights and a minimal read_group,
// with x2many commands, _inherits delegation, ondelete rules, SQL-style
// unique/check constraints and Python-style constrains. buildSchema keeps
// only the fields, models and selection values of the configured version,
// so another version's names fail exactly like Odoo ("Invalid field",
// "Object ... doesn't exist", "Wrong value for ...").
//
// # Transactions, clock
//
// One call is one transaction: write calls hold the database lock
// exclusively and keep an undo log that is replayed when the call fails, so
// a failed batch leaves nothing behind; read calls share the lock. Ids come
// from per-model sequences that are not rolled back (as in PostgreSQL).
// Each write transaction gets a timestamp strictly after the previous one
// (microsecond precision, never going back even if the wall clock stalls);
// dates read as second-truncated strings while domains compare the full
// precision, so a poll on write_date > last_seen can return records of the
// same second again but never misses a later commit.
//
// # Hooks for further models
//
// env.moveStock(product, from, to, qty) updates quants (and their
// write_date) when stock moves; forecastHooks feed incoming/outgoing
// quantities; model hooks (BeforeCreate, AfterCreate, AfterWrite,
// AfterUnlink, ...) and the ctxInCreateOf/ctxInheritsChild context markers
// let new models follow Odoo's create flows.
package odoosim
