<?php

namespace MediaWiki\Extension\CaptchaGuard\AbuseFilter;

use MediaWiki\Extension\CaptchaGuard\CaptchaGuardServices;
use MediaWiki\Extension\AbuseFilter\Api\QueryAbuseLog;
use MediaWiki\MediaWikiServices;

/**
 * list=abuselog (REL1_43; installed by Setup::onRegistration where the
 * CheckUser-level variables are offered) whose query leaves out the hits of
 * protected filters for a viewer below CheckUser level. AbuseFilter lists
 * every hit and hides only its details, and its query runs no hook
 * (ApiQueryBaseBeforeQuery needs the module to ask for it).
 *
 * For a checkuser it notes whose hits it listed, so the look is logged even
 * when the result carries no ids (SensitiveRequests::ofApiQueryResult).
 */
class SensitiveQueryAbuseLog extends QueryAbuseLog {

	/** @var int[] Protected filters with hits in the rows read */
	private array $protectedListed = [];

	/** @inheritDoc */
	protected function select( $method, $extraQuery = [], ?array &$hookData = null ) {
		$condition = SensitiveRequests::hiddenHitsCondition( $this );
		if ( $condition !== null ) {
			$this->addWhere( $condition );
		}
		$rows = parent::select( $method, $extraQuery, $hookData );
		$protected = CaptchaGuardServices::getSensitiveFilterLookup()
			->protectedFilterIds();
		foreach ( $rows as $row ) {
			if ( !$row->afl_global && in_array( (int)$row->afl_filter_id, $protected, true ) ) {
				$this->protectedListed[(int)$row->afl_filter_id] = true;
			}
		}
		$rows->rewind();
		return $rows;
	}

	/**
	 * @return int[]
	 */
	public function protectedFiltersListed(): array {
		return array_keys( $this->protectedListed );
	}
}
