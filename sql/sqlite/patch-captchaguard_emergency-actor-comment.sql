-- The performer and the reason move to the actor and comment tables
-- (filled by EmergencyTableMigration, then the text columns are dropped).
ALTER TABLE /*_*/captchaguard_emergency ADD COLUMN ce_reason_id BIGINT UNSIGNED DEFAULT 0 NOT NULL;
ALTER TABLE /*_*/captchaguard_emergency ADD COLUMN ce_actor BIGINT UNSIGNED DEFAULT 0 NOT NULL;
