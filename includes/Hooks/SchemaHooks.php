<?php

namespace MediaWiki\Extension\CaptchaGuard\Hooks;

use DatabaseUpdater;

/**
 * Creates the emergency switch table with update.php. The installer calls
 * this without services, so it is a plain static callback.
 */
class SchemaHooks {

	public static function onLoadExtensionSchemaUpdates( DatabaseUpdater $updater ): void {
		$type = $updater->getDB()->getType();
		$updater->addExtensionTable(
			'captchaguard_emergency',
			dirname( __DIR__, 2 ) . "/sql/$type/tables-generated.sql"
		);
	}
}
