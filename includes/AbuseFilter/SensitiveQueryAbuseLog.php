<?php

namespace MediaWiki\Extension\CaptchaGuard\AbuseFilter;

use MediaWiki\Extension\AbuseFilter\Api\QueryAbuseLog;

/**
 * list=abuselog (REL1_43; installed by Setup::onRegistration where the
 * CheckUser-level variables are offered) whose query leaves out the hits of
 * protected filters for a viewer below CheckUser level. AbuseFilter lists
 * every hit and hides only its details, and its query runs no hook
 * (ApiQueryBaseBeforeQuery needs the module to ask for it).
 */
class SensitiveQueryAbuseLog extends QueryAbuseLog {

	/** @inheritDoc */
	protected function select( $method, $extraQuery = [], ?array &$hookData = null ) {
		$condition = SensitiveRequests::hiddenHitsCondition( $this );
		if ( $condition !== null ) {
			$this->addWhere( $condition );
		}
		return parent::select( $method, $extraQuery, $hookData );
	}
}
