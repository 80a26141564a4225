-- The captchaguard_emergency table, as described in sql/tables.json (MediaWiki's
-- abstract schema). Regenerate with maintenance/generateSchemaSql.php where
-- its development dependencies are installed.
CREATE TABLE /*_*/captchaguard_emergency (
  ce_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  ce_wiki BLOB NOT NULL,
  ce_active SMALLINT DEFAULT 0 NOT NULL,
  ce_actions BLOB DEFAULT '' NOT NULL,
  ce_expiry BLOB DEFAULT NULL,
  ce_reason_id BIGINT UNSIGNED NOT NULL,
  ce_actor BIGINT UNSIGNED NOT NULL,
  ce_origin_wiki BLOB NOT NULL,
  ce_timestamp BLOB NOT NULL
);

CREATE INDEX ce_wiki_id ON /*_*/captchaguard_emergency (ce_wiki, ce_id);
