-- The captchaguard_outcome table, as described in sql/tables.json
-- (MediaWiki's abstract schema). Regenerate with maintenance/generateSchemaSql.php
-- where its development dependencies are installed.
CREATE TABLE /*_*/captchaguard_outcome (
  cgo_source BLOB NOT NULL,
  cgo_day BLOB NOT NULL,
  cgo_action BLOB NOT NULL,
  cgo_challenged INTEGER UNSIGNED DEFAULT 0 NOT NULL,
  cgo_solved INTEGER UNSIGNED DEFAULT 0 NOT NULL,
  cgo_failed INTEGER UNSIGNED DEFAULT 0 NOT NULL,
  PRIMARY KEY(cgo_source, cgo_day, cgo_action)
);

CREATE INDEX cgo_day ON /*_*/captchaguard_outcome (cgo_day);
