-- The captchaguard_sensitive_value table, as described in sql/tables.json
-- (MediaWiki's abstract schema). Regenerate with maintenance/generateSchemaSql.php
-- where its development dependencies are installed.
CREATE TABLE /*_*/captchaguard_sensitive_value (
  csv_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  csv_var_dump BLOB NOT NULL,
  csv_values BLOB NOT NULL,
  csv_timestamp BLOB NOT NULL
);

CREATE INDEX csv_var_dump ON /*_*/captchaguard_sensitive_value (csv_var_dump);

CREATE INDEX csv_timestamp ON /*_*/captchaguard_sensitive_value (csv_timestamp);
