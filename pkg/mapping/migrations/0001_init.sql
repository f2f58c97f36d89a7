-- Pairs of records that are the same thing on both sides, per shop connection.
-- A pair is unique on both sides: one Odoo record maps to one OpenCart record and back.
CREATE TABLE mappings (
    connection           text        NOT NULL,
    kind                 text        NOT NULL,
    odoo_id              bigint      NOT NULL CHECK (odoo_id > 0),
    -- OpenCart keys are not all integers: carriers and payment methods are extension codes ("flat.flat"),
    -- and a variant is a product plus its option values.
    opencart_id          text        NOT NULL CHECK (opencart_id <> ''),
    -- Fingerprints of the content as last written to / read from each side, for change detection and echo
    -- suppression: a change whose fingerprint equals the stored one was made by the bridge itself.
    odoo_fingerprint     text        NOT NULL DEFAULT '',
    opencart_fingerprint text        NOT NULL DEFAULT '',
    synced_at            timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (connection, kind, odoo_id),
    UNIQUE (connection, kind, opencart_id)
);

-- Named watermarks of incremental polls (last order_history_id seen, last write_date read, ...).
CREATE TABLE cursors (
    connection text        NOT NULL,
    name       text        NOT NULL,
    value      text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (connection, name)
);

-- Records that failed to sync, kept for replay. One open row per record and direction; a new failure of the
-- same record updates it, a later success resolves it.
CREATE TABLE failures (
    id              bigserial   PRIMARY KEY,
    connection      text        NOT NULL,
    kind            text        NOT NULL,
    direction       text        NOT NULL,
    record_id       text        NOT NULL,
    reason          text        NOT NULL,
    field           text        NOT NULL DEFAULT '',
    fix             text        NOT NULL DEFAULT '',
    workflow_id     text        NOT NULL DEFAULT '',
    run_id          text        NOT NULL DEFAULT '',
    attempts        integer     NOT NULL DEFAULT 1,
    first_failed_at timestamptz NOT NULL DEFAULT now(),
    last_failed_at  timestamptz NOT NULL DEFAULT now(),
    resolved_at     timestamptz
);
CREATE UNIQUE INDEX failures_open_per_record ON failures (connection, kind, direction, record_id)
    WHERE resolved_at IS NULL;
CREATE INDEX failures_recent ON failures (connection, last_failed_at DESC);
