-- The captchaguard_sensitive_value table, as described in sql/tables.json
-- (MediaWiki's abstract schema). Regenerate with maintenance/generateSchemaSql.php
-- where its development dependencies are installed.
CREATE TABLE /*_*/captchaguard_sensitive_value (
  csv_id INT UNSIGNED AUTO_INCREMENT NOT NULL,
  csv_var_dump VARBINARY(255) NOT NULL,
  csv_values MEDIUMBLOB NOT NULL,
  csv_timestamp BINARY(14) NOT NULL,
  INDEX csv_var_dump (csv_var_dump),
  INDEX csv_timestamp (csv_timestamp),
  PRIMARY KEY(csv_id)
) /*$wgDBTableOptions*/;
