-- The captchaguard_sensitive_value table, as described in sql/tables.json
-- (MediaWiki's abstract schema). Regenerate with maintenance/generateSchemaSql.php
-- where its development dependencies are installed.
CREATE TABLE captchaguard_sensitive_value (
  csv_id SERIAL NOT NULL,
  csv_var_dump TEXT NOT NULL,
  csv_values TEXT NOT NULL,
  csv_timestamp TIMESTAMPTZ NOT NULL,
  PRIMARY KEY(csv_id)
);

CREATE INDEX csv_var_dump ON captchaguard_sensitive_value (csv_var_dump);

CREATE INDEX csv_timestamp ON captchaguard_sensitive_value (csv_timestamp);
