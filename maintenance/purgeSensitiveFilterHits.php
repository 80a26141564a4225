<?php

namespace MediaWiki\Extension\CaptchaGuard\Maintenance;

use MediaWiki\Extension\CaptchaGuard\CaptchaGuardServices;
use Maintenance;

$IP = getenv( 'MW_INSTALL_PATH' );
if ( $IP === false ) {
	$IP = __DIR__ . '/../../..';
}
require_once "$IP/maintenance/Maintenance.php";

/**
 * Deletes CheckUser-level filter hits older than $wgCaptchaGuardSensitiveMaxAge
 * now, in batches, as the automatic purge does.
 */
class PurgeSensitiveFilterHits extends Maintenance {

	public function __construct() {
		parent::__construct();
		$this->requireExtension( 'CaptchaGuard' );
		$this->addDescription( 'Delete CheckUser-level filter hits older than $wgCaptchaGuardSensitiveMaxAge' );
	}

	public function execute() {
		$purger = CaptchaGuardServices::getSensitivePurger( $this->getServiceContainer() );
		$batches = 1;
		while ( $purger->purgeBatch() ) {
			$this->waitForReplication();
			$batches++;
		}
		$this->output( "Purged aged CheckUser-level filter hits in $batches batch(es).\n" );
	}
}

$maintClass = PurgeSensitiveFilterHits::class;
require_once RUN_MAINTENANCE_IF_MAIN;
