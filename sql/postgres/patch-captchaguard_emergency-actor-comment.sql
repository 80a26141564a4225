-- The performer and the reason move to the actor and comment tables
-- (filled by EmergencyTableMigration, then the text columns are dropped).
ALTER TABLE captchaguard_emergency
  ADD ce_reason_id BIGINT DEFAULT 0 NOT NULL,
  ADD ce_actor BIGINT DEFAULT 0 NOT NULL;
