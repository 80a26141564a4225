<?php
// The update.php test's view of the switch table, through the wiki's own database layer.
//   emergency-table-0.1.php --restore ROWS.json   replace the table with the one
//       CaptchaGuard 0.1 created (performer and reason as text) holding these rows
//   emergency-table-0.1.php --dump                print its rows as JSON, with the
//       actor name and reason they point to, and whether the 0.1 columns remain
// Run with MW_INSTALL_PATH, MW_CONFIG_FILE and the module loaded, like update.php.

use MediaWiki\MediaWikiServices;

require_once getenv( 'MW_INSTALL_PATH' ) . '/maintenance/Maintenance.php';

class EmergencyTable01 extends Maintenance {
	private const TABLE = 'captchaguard_emergency';

	public function __construct() {
		parent::__construct();
		$this->addOption( 'restore', 'JSON file of rows to put in a 0.1 table', false, true );
		$this->addOption( 'dump', 'Print the rows' );
	}

	public function execute() {
		$dbw = $this->getDB( DB_PRIMARY );
		if ( $this->hasOption( 'restore' ) ) {
			$dbw->dropTable( self::TABLE, __METHOD__ );
			$type = $dbw->getType();
			$dbw->sourceFile( __DIR__ . "/../fixtures/captchaguard_emergency-0.1-$type.sql" );
			$rows = json_decode( file_get_contents( $this->getOption( 'restore' ) ), true );
			foreach ( $rows as $row ) {
				$row['ce_timestamp'] = $dbw->timestamp( $row['ce_timestamp'] );
				if ( $row['ce_expiry'] !== null ) {
					$row['ce_expiry'] = $dbw->timestamp( $row['ce_expiry'] );
				}
				$dbw->insert( self::TABLE, $row, __METHOD__ );
			}
			return;
		}
		$legacy = $dbw->fieldExists( self::TABLE, 'ce_user_text', __METHOD__ );
		$rows = [];
		if ( !$legacy ) {
			$comments = MediaWikiServices::getInstance()->getCommentStore();
			$reason = $comments->getJoin( 'ce_reason' );
			$result = $dbw->select(
				[ self::TABLE, 'actor' ] + $reason['tables'],
				[ 'ce_id', 'ce_wiki', 'ce_origin_wiki', 'actor_name', 'actor_user' ] + $reason['fields'],
				[],
				__METHOD__,
				[ 'ORDER BY' => 'ce_id' ],
				[ 'actor' => [ 'JOIN', 'actor_id = ce_actor' ] ] + $reason['joins']
			);
			foreach ( $result as $row ) {
				$rows[] = [
					'wiki' => $row->ce_wiki,
					'origin' => $row->ce_origin_wiki,
					'actor_name' => $row->actor_name,
					'actor_user' => $row->actor_user === null ? null : (int)$row->actor_user,
					'reason' => $comments->getComment( 'ce_reason', $row )->text,
				];
			}
		}
		$this->output( json_encode( [ 'legacy_columns' => $legacy, 'rows' => $rows ] ) . "\n" );
	}
}

$maintClass = EmergencyTable01::class;
require_once RUN_MAINTENANCE_IF_MAIN;
