<?php

namespace MediaWiki\Extension\CaptchaGuard\Api;

use ApiQuery;
use ApiQueryBase;
use MediaWiki\Extension\CaptchaGuard\Emergency\EmergencyStore;

/**
 * meta=emergencycaptcha: the switch as it applies to this wiki now.
 */
class ApiQueryEmergencyCaptcha extends ApiQueryBase {

	public function __construct( ApiQuery $query, string $moduleName, private EmergencyStore $store ) {
		parent::__construct( $query, $moduleName, 'ec' );
	}

	public function execute() {
		$state = $this->store->current( true );
		$active = $state && $state['active'] && $state['expiry'] > time();
		$this->getResult()->addValue( 'query', $this->getModuleName(), [
			'active' => $active,
			'actions' => $active && $state['actions'] !== '' ? explode( ',', $state['actions'] ) : [],
			'expiry' => $active ? wfTimestamp( TS_ISO_8601, $state['expiry'] ) : null,
			'reason' => $state['reason'] ?? null,
			'user' => $state['user'] ?? null,
			'timestamp' => $state ? wfTimestamp( TS_ISO_8601, $state['timestamp'] ) : null,
		] );
	}

	public function getCacheMode( $params ) {
		return 'public';
	}

	protected function getExamplesMessages() {
		return [ 'action=query&meta=emergencycaptcha' => 'apihelp-query+emergencycaptcha-example' ];
	}
}
