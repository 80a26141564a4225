-- The captchaguard_emergency table, as described in sql/tables.json (MediaWiki's
-- abstract schema). Regenerate with maintenance/generateSchemaSql.php where
-- its development dependencies are installed.
CREATE TABLE /*_*/captchaguard_emergency (
  ce_id INT UNSIGNED AUTO_INCREMENT NOT NULL,
  ce_wiki VARBINARY(255) NOT NULL,
  ce_active TINYINT(1) DEFAULT 0 NOT NULL,
  ce_actions VARBINARY(255) DEFAULT '' NOT NULL,
  ce_expiry BINARY(14) DEFAULT NULL,
  ce_reason_id BIGINT UNSIGNED NOT NULL,
  ce_actor BIGINT UNSIGNED NOT NULL,
  ce_origin_wiki VARBINARY(255) NOT NULL,
  ce_timestamp BINARY(14) NOT NULL,
  INDEX ce_wiki_id (ce_wiki, ce_id),
  PRIMARY KEY(ce_id)
) /*$wgDBTableOptions*/;
