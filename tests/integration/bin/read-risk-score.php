<?php
// Reads a user's hCaptcha score the way a job or deferred update would: in a
// process with no session. Prints the session's value, the score and its bucket.
//   MW_INSTALL_PATH=… MW_CONFIG_FILE=… php -d extension=… read-risk-score.php USERNAME

use MediaWiki\Extension\CaptchaGuard\RiskScore;

require_once getenv( 'MW_INSTALL_PATH' ) . '/maintenance/Maintenance.php';

class ReadRiskScore extends Maintenance {
	public function __construct() {
		parent::__construct();
		$this->addArg( 'user', 'User name' );
	}

	public function execute() {
		$session = RequestContext::getMain()->getRequest()->getSession()->get( 'hCaptcha-score' );
		$user = $this->getArg( 0 );
		$this->output( 'session=' . ( $session ?? 'none' ) . "\n" );
		$this->output( 'score=' . ( RiskScore::get( $user ) ?? 'none' ) . "\n" );
		$this->output( 'bucket=' . RiskScore::bucketed( $user ) . "\n" );
	}
}

$maintClass = ReadRiskScore::class;
require_once RUN_MAINTENANCE_IF_MAIN;
