<?php

namespace MediaWiki\Extension\CaptchaGuard\AbuseFilter;

use MediaWiki\Extension\AbuseFilter\Consequences\Parameters;
use MediaWiki\Extension\AbuseFilter\GlobalNameUtils;

/**
 * What CaptchaGuard copies of AbuseFilter's internals, in one place.
 * Matches AbuseFilter as shipped with MediaWiki 1.39 (REL1_39) and 1.43 (REL1_43).
 */
final class AbuseFilterCompat {

	/**
	 * A matching filter as the module's ConsequenceRunner takes it.
	 *
	 * @return object{filter: string, filtered_action: string, warn_key: string}
	 */
	public static function hit( Parameters $parameters ): object {
		$filter = GlobalNameUtils::buildGlobalName(
			$parameters->getFilter()->getID(),
			$parameters->getIsGlobalFilter()
		);
		return (object)[
			'filter' => $filter,
			'filtered_action' => $parameters->getAction(),
			'warn_key' => self::warnKey( $parameters, $filter ),
		];
	}

	/**
	 * The session key AbuseFilter's `warn` sets for a filter, page and action
	 * (a copy of the private Warn::getWarnKey()).
	 */
	private static function warnKey( Parameters $parameters, string $filter ): string {
		$target = $parameters->getTarget();
		return 'abusefilter-warned-' . md5( $target->getNamespace() . ':' . $target->getText() ) .
			'-' . $filter . '-' . $parameters->getAction();
	}
}
