-- The captchaguard_outcome table, as described in sql/tables.json
-- (MediaWiki's abstract schema). Regenerate with maintenance/generateSchemaSql.php
-- where its development dependencies are installed.
CREATE TABLE captchaguard_outcome (
  cgo_source TEXT NOT NULL,
  cgo_day TEXT NOT NULL,
  cgo_action TEXT NOT NULL,
  cgo_challenged INT DEFAULT 0 NOT NULL,
  cgo_solved INT DEFAULT 0 NOT NULL,
  cgo_failed INT DEFAULT 0 NOT NULL,
  PRIMARY KEY(cgo_source, cgo_day, cgo_action)
);

CREATE INDEX cgo_day ON captchaguard_outcome (cgo_day);
