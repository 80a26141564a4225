-- After EmergencyTableMigration: the performer and the reason live in the
-- actor and comment tables only.
ALTER TABLE captchaguard_emergency
  DROP ce_user_text,
  DROP ce_reason;
