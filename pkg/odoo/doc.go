// Package odoo is the bridge's client for Odoo 13–18 over XML-RPC (/xmlrpc/2).
//
// Dial detects the server version and picks a Schema holding every model, field and
// method name that moved between versions, so callers work in domain terms. Calls run
// through a pool of github.com/kolo/xmlrpc clients sharing one HTTP transport; each call
// honours its context and a per-call timeout, and clients killed by an undecodable answer
// are replaced.
//
// Errors are *Fault (Odoo's fault code and message), *TransportError (network, HTTP
// status, timeout, malformed answer) or *AuthError; IsRetryable tells transient ones
// apart. Results decode into generic values; Record reads them with Odoo's conventions
// (false means empty, many2one is [id, name]).
package odoo
