<?php

namespace MediaWiki\Extension\CaptchaGuard\AbuseFilter;

use MediaWiki\Extension\AbuseFilter\AbuseFilterPermissionManager;
use MediaWiki\Extension\CaptchaGuard\SensitiveVariables;
use MediaWiki\Permissions\Authority;

/**
 * AbuseFilter's permission manager (REL1_43, installed by Setup::onMediaWikiServices)
 * with its protected level raised to CheckUser level.
 *
 * Every page, subpage, API module and save AbuseFilter 1.43 has decides who may
 * see a protected filter, its history and diffs, its test-tool text and its
 * hits' details here, in canViewProtectedVariables() (directly or through
 * getForbiddenVariables(), canViewProtectedVariableValues() and
 * canSeeLogDetailsForFilter()). 1.43 asks it without naming the filter or the
 * variables, so the raised level applies to every protected filter: on a wiki
 * with CaptchaGuard's variables, protected means CheckUser-level.
 */
class SensitivePermissionManager extends AbuseFilterPermissionManager {

	/** @inheritDoc */
	public function canViewProtectedVariables( Authority $performer ) {
		return SensitiveVariables::maySee(
			$performer->isAllowed( SensitiveVariables::RIGHT ),
			$this->hasProtectedLevel( $performer )
		);
	}

	/**
	 * AbuseFilter's own protected level, before CaptchaGuard raised it.
	 */
	public function hasProtectedLevel( Authority $performer ): bool {
		return (bool)parent::canViewProtectedVariables( $performer );
	}

	/**
	 * @return string[] The rights $performer lacks for CheckUser-level filters
	 */
	public function missingRights( Authority $performer ): array {
		return SensitiveVariables::missingRights(
			$performer->isAllowed( SensitiveVariables::RIGHT ),
			$this->hasProtectedLevel( $performer )
		);
	}
}
