-- After EmergencyTableMigration: the performer and the reason live in the
-- actor and comment tables only.
ALTER TABLE /*_*/captchaguard_emergency DROP COLUMN ce_user_text;
ALTER TABLE /*_*/captchaguard_emergency DROP COLUMN ce_reason;
