<?php

namespace MediaWiki\Extension\CaptchaGuard\AbuseFilter;

use MediaWiki\Extension\AbuseFilter\Filter\AbstractFilter;
use MediaWiki\Extension\AbuseFilter\FilterValidator;
use MediaWiki\Extension\CaptchaGuard\Sensitive\SensitiveFilterLookup;
use MediaWiki\Permissions\Authority;
use MediaWiki\Status\Status;

/**
 * AbuseFilter's filter validator (REL1_43, installed by Setup::onMediaWikiServices)
 * with one more rule: a CheckUser-level filter cannot tag. Tags outlive the
 * 90 days its hits are kept, and a tag on a revision would tell anyone that
 * the editor's user agent or IP address matched.
 */
class SensitiveFilterValidator extends FilterValidator {

	private SensitiveFilterLookup $sensitiveFilters;

	/**
	 * @param SensitiveFilterLookup $sensitiveFilters
	 * @param mixed ...$validatorArguments FilterValidator's own, as AbuseFilter wires them
	 */
	public function __construct( SensitiveFilterLookup $sensitiveFilters, ...$validatorArguments ) {
		parent::__construct( ...$validatorArguments );
		$this->sensitiveFilters = $sensitiveFilters;
	}

	/** @inheritDoc */
	public function checkAll(
		AbstractFilter $newFilter, AbstractFilter $originalFilter, Authority $performer
	): Status {
		if ( isset( $newFilter->getActions()['tag'] ) && $this->isSensitive( $newFilter, $originalFilter ) ) {
			// Not fatal: AbuseFilter shows the editor again, with what was typed.
			$status = Status::newGood();
			$status->error( 'captchaguard-sensitive-no-tag' );
			return $status;
		}
		return parent::checkAll( $newFilter, $originalFilter, $performer );
	}

	private function isSensitive( AbstractFilter $newFilter, AbstractFilter $originalFilter ): bool {
		$id = $originalFilter->getID();
		return $this->sensitiveFilters->usesSensitive( $newFilter->getRules() )
			|| ( $id !== null && $this->sensitiveFilters->isSensitive( $id ) );
	}
}
