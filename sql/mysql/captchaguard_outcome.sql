-- The captchaguard_outcome table, as described in sql/tables.json
-- (MediaWiki's abstract schema). Regenerate with maintenance/generateSchemaSql.php
-- where its development dependencies are installed.
CREATE TABLE /*_*/captchaguard_outcome (
  cgo_source VARBINARY(32) NOT NULL,
  cgo_day BINARY(8) NOT NULL,
  cgo_action VARBINARY(64) NOT NULL,
  cgo_challenged INT UNSIGNED DEFAULT 0 NOT NULL,
  cgo_solved INT UNSIGNED DEFAULT 0 NOT NULL,
  cgo_failed INT UNSIGNED DEFAULT 0 NOT NULL,
  INDEX cgo_day (cgo_day),
  PRIMARY KEY(cgo_source, cgo_day, cgo_action)
) /*$wgDBTableOptions*/;
