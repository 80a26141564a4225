<?php

use MediaWiki\Extension\CaptchaGuard\CaptchaGuardServices;
use MediaWiki\Extension\CaptchaGuard\Emergency\EmergencyTableMigration;
use MediaWiki\MediaWikiServices;

require_once __DIR__ . '/DatabaseTestCase.php';

/**
 * The update.php step from CaptchaGuard 0.1's table, which named the
 * performer and the reason in text columns. (test_schema_update.py runs the
 * whole of update.php on a real 0.1 table.)
 */
class EmergencyTableMigrationTest extends DatabaseTestCase {

	private function updater(): DatabaseUpdater {
		return DatabaseUpdater::newForDB( $this->db() );
	}

	public function testOnACurrentTableThereIsNothingToMove() {
		$this->assertFalse( EmergencyTableMigration::moveNamesAndReasons( $this->updater() ) );
	}

	public function testZeroOneRowsGetAnActorAndAComment() {
		$db = $this->db();
		$store = CaptchaGuardServices::getEmergencyStore();
		$wiki = $store->getWikiId();
		$db->query( 'ALTER TABLE ' . $db->tableName( 'captchaguard_emergency' )
			. " ADD COLUMN ce_user_text BLOB NOT NULL DEFAULT ''", __METHOD__ );
		$db->query( 'ALTER TABLE ' . $db->tableName( 'captchaguard_emergency' )
			. " ADD COLUMN ce_reason BLOB NOT NULL DEFAULT ''", __METHOD__ );
		try {
			$db->insert( 'captchaguard_emergency', [
				'ce_wiki' => $wiki, 'ce_active' => 1, 'ce_actions' => 'edit',
				'ce_expiry' => $db->timestamp( time() + 60 ), 'ce_actor' => 0, 'ce_reason_id' => 0,
				'ce_origin_wiki' => $wiki, 'ce_timestamp' => $db->timestamp(),
				'ce_user_text' => 'Alice', 'ce_reason' => 'a 0.1 reason',
			], __METHOD__ );
			ob_start();
			$moved = EmergencyTableMigration::moveNamesAndReasons( $this->updater() );
			$output = ob_get_clean();
			$this->assertTrue( $moved );
			$this->assertStringContainsString( 'moved 1 emergency CAPTCHA switch rows', $output );
			$stored = $store->current( true );
			$this->assertSame( 'Alice', $stored->user );
			$this->assertSame( 'a 0.1 reason', $stored->reason );
		} finally {
			$db->query( 'ALTER TABLE ' . $db->tableName( 'captchaguard_emergency' )
				. ' DROP COLUMN ce_user_text', __METHOD__ );
			$db->query( 'ALTER TABLE ' . $db->tableName( 'captchaguard_emergency' )
				. ' DROP COLUMN ce_reason', __METHOD__ );
		}
	}
}
