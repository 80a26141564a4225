-- The captchaguard_emergency table, as described in sql/tables.json (MediaWiki's
-- abstract schema). Regenerate with maintenance/generateSchemaSql.php where
-- its development dependencies are installed.
CREATE TABLE captchaguard_emergency (
  ce_id SERIAL NOT NULL,
  ce_wiki TEXT NOT NULL,
  ce_active SMALLINT DEFAULT 0 NOT NULL,
  ce_actions TEXT DEFAULT '' NOT NULL,
  ce_expiry TIMESTAMPTZ DEFAULT NULL,
  ce_reason_id BIGINT NOT NULL,
  ce_actor BIGINT NOT NULL,
  ce_origin_wiki TEXT NOT NULL,
  ce_timestamp TIMESTAMPTZ NOT NULL,
  PRIMARY KEY(ce_id)
);

CREATE INDEX ce_wiki_id ON captchaguard_emergency (ce_wiki, ce_id);
