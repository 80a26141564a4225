<?php

namespace MediaWiki\Extension\CaptchaGuard\AbuseFilter;

use MediaWiki\Extension\AbuseFilter\Consequences\Parameters;
use MediaWiki\Extension\AbuseFilter\GlobalNameUtils;
use MediaWiki\Extension\AbuseFilter\Variables\VariableHolder;
use MediaWiki\Extension\CaptchaGuard\Value\FilterHit;
use MediaWiki\MediaWikiServices;
use Message;
use StatusValue;

/**
 * What CaptchaGuard copies of AbuseFilter's internals, in one place.
 * Matches AbuseFilter as shipped with MediaWiki 1.39 (REL1_39) and 1.43 (REL1_43).
 */
final class AbuseFilterCompat {

	/**
	 * A matching filter as the module's ConsequenceRunner takes it.
	 */
	public static function hit( Parameters $parameters ): FilterHit {
		$filter = GlobalNameUtils::buildGlobalName(
			$parameters->getFilter()->getID(),
			$parameters->getIsGlobalFilter()
		);
		return new FilterHit(
			filter: $filter,
			filteredAction: $parameters->getAction(),
			warnKey: self::warnKey( $parameters, $filter ),
			page: self::pageName( $parameters )
		);
	}

	/**
	 * What a hook aborter's getMessage() returns for $message: with the
	 * filter's description and name as parameters, as AbuseFilter's own
	 * refusals have them (its upload handler reads them). 1.39 passes the
	 * array's rest to Status::fatal(); 1.42+ takes one message specifier.
	 *
	 * @param string|Message $message
	 * @param Parameters $parameters
	 * @return array
	 */
	public static function aborterMessage( string|Message $message, Parameters $parameters ): array {
		$filter = $parameters->getFilter();
		$params = [
			$filter->getName(),
			GlobalNameUtils::buildGlobalName( $filter->getID(), $parameters->getIsGlobalFilter() ),
		];
		if ( $message instanceof Message && method_exists( StatusValue::class, 'getMessages' ) ) {
			return [ $message->params( ...$params ) ];
		}
		return [ $message, ...$params ];
	}

	private static function pageName( Parameters $parameters ): string {
		$target = $parameters->getTarget();
		return MediaWikiServices::getInstance()->getTitleFormatter()->getPrefixedText( $target );
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

	/**
	 * Whether AbuseFilter can protect variables (1.43: $wgAbuseFilterProtectedVariables
	 * and its access log); CaptchaGuard's sensitive variables exist only there.
	 */
	public static function offersProtectedVariables(): bool {
		return class_exists( 'MediaWiki\\Extension\\AbuseFilter\\ProtectedVarsAccessLogger' );
	}

	/**
	 * Declares $names as lazily computed: AbuseFilter hands $method and the
	 * parameters back to the AbuseFilter-interceptVariable hook when a filter reads one.
	 *
	 * @param VariableHolder $vars
	 * @param string $method
	 * @param string[] $names
	 * @param bool $ownRequest Whether the action is this request's performer's own
	 */
	public static function declareSensitiveVariables(
		VariableHolder $vars, string $method, array $names, bool $ownRequest
	): void {
		foreach ( $names as $name ) {
			$vars->setLazyLoadVar( $name, $method, [ 'variable' => $name, 'own_request' => $ownRequest ] );
		}
	}
}
