<?php

namespace MediaWiki\Extension\CaptchaGuard\AbuseFilter;

use MediaWiki\Extension\AbuseFilter\Filter\AbstractFilter;
use MediaWiki\Extension\CaptchaGuard\Sensitive\SensitiveFilterLookup;
use MediaWiki\Message\Message;
use MediaWiki\Permissions\Authority;
use MediaWiki\Status\Status;

/**
 * AbuseFilter's filter validator (REL1_43, installed by Setup::onMediaWikiServices),
 * which every save goes through (the editor, a restored history item, an
 * import), with two more rules for CheckUser-level filters:
 * - only those at CheckUser level may create or change one;
 * - one cannot tag: tags outlive the 90 days its hits are kept, and a tag on a
 *   revision would tell anyone that the editor's user agent or IP address matched.
 * Refusals are errors, not fatal: AbuseFilter shows the editor again with
 * everything typed in it.
 */
class SensitiveFilterValidator extends CaptchaFilterValidator {

	public function __construct(
		private SensitiveFilterLookup $sensitiveFilters,
		private SensitivePermissionManager $sensitivePermissions,
		...$validatorArguments
	) {
		parent::__construct( ...$validatorArguments );
	}

	/** @inheritDoc */
	public function checkAll(
		AbstractFilter $newFilter, AbstractFilter $originalFilter, Authority $performer
	): Status {
		$sensitive = $this->isSensitive( $newFilter, $originalFilter );
		// Protected is CheckUser level on such a wiki (SensitivePermissionManager).
		if ( ( $sensitive || $originalFilter->isProtected() )
			&& !$this->sensitivePermissions->canViewProtectedVariables( $performer )
		) {
			$missing = $this->sensitivePermissions->missingRights( $performer );
			$status = Status::newGood();
			$status->error(
				'captchaguard-sensitive-rights-missing',
				Message::listParam( $missing ),
				count( $missing )
			);
			return $status;
		}
		if ( $sensitive && isset( $newFilter->getActions()['tag'] ) ) {
			$status = Status::newGood();
			$status->error( 'captchaguard-sensitive-no-tag' );
			return $status;
		}
		return parent::checkAll( $newFilter, $originalFilter, $performer );
	}

	/**
	 * The new text reads a sensitive variable, or a version of the filter ever
	 * did (dropping the variable changes nothing).
	 */
	private function isSensitive( AbstractFilter $newFilter, AbstractFilter $originalFilter ): bool {
		$id = $originalFilter->getID();
		return $this->sensitiveFilters->usesSensitive( $newFilter->getRules() )
			|| ( $id !== null && $this->sensitiveFilters->isSensitive( $id ) );
	}
}
