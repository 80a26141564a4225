<?php

namespace MediaWiki\Extension\CaptchaGuard\Api;

use ApiQuery;
use ApiQueryBase;
use MediaWiki\Extension\CaptchaGuard\Emergency\EmergencyPolicy;
use MediaWiki\Extension\CaptchaGuard\Emergency\EmergencyStore;

/**
 * meta=emergencycaptcha: the switch as it applies to this wiki now.
 */
class ApiQueryEmergencyCaptcha extends ApiQueryBase {

	public function __construct( ApiQuery $query, string $moduleName, private EmergencyStore $store ) {
		parent::__construct( $query, $moduleName, 'ec' );
	}

	public function execute() {
		// A read-only request: a replica is fine (the switch reaches workers within seconds anyway).
		$stored = $this->store->current();
		$state = EmergencyPolicy::state( $stored );
		$this->getResult()->addValue( 'query', $this->getModuleName(), [
			'active' => $state->active,
			'actions' => $state->actions,
			'expiry' => $state->active ? wfTimestamp( TS_ISO_8601, $state->expiry ) : null,
			'reason' => $stored?->reason,
			'user' => $stored?->user,
			'timestamp' => $stored ? wfTimestamp( TS_ISO_8601, $stored->timestamp ) : null,
		] );
	}

	public function getCacheMode( $params ) {
		return 'public';
	}

	protected function getExamplesMessages() {
		return [ 'action=query&meta=emergencycaptcha' => 'apihelp-query+emergencycaptcha-example' ];
	}
}
