<?php

namespace MediaWiki\Extension\CaptchaGuard\Hooks;

use DatabaseUpdater;
use MediaWiki\Extension\CaptchaGuard\Emergency\EmergencyTableMigration;

/**
 * update.php: creates the emergency switch table, the sensitive
 * variables' value table and the CAPTCHA outcome counts, and brings a table created
 * by CaptchaGuard 0.1 (performer and reason as text) to the actor and comment
 * tables. The installer calls this without services, so it is a plain static
 * callback.
 */
class SchemaHooks {

	private const TABLE = 'captchaguard_emergency';

	public static function onLoadExtensionSchemaUpdates( DatabaseUpdater $updater ): void {
		$sql = dirname( __DIR__, 2 ) . '/sql/' . $updater->getDB()->getType();
		$updater->addExtensionTable( self::TABLE, "$sql/tables-generated.sql" );
		// In this order: the new columns, their values, then the old columns go.
		$updater->addExtensionField( self::TABLE, 'ce_actor', "$sql/patch-captchaguard_emergency-actor-comment.sql" );
		$updater->addExtensionUpdate( [ [ EmergencyTableMigration::class, 'moveNamesAndReasons' ] ] );
		$updater->dropExtensionField( self::TABLE, 'ce_user_text', "$sql/patch-captchaguard_emergency-drop-text.sql" );
		$updater->addExtensionTable( 'captchaguard_sensitive_value', "$sql/captchaguard_sensitive_value.sql" );
		$updater->addExtensionTable( 'captchaguard_outcome', "$sql/captchaguard_outcome.sql" );
	}
}
