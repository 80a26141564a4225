<?php

namespace MediaWiki\Extension\CaptchaGuard\Outcomes;

use InvalidArgumentException;
use MediaWiki\Extension\AbuseFilter\AbuseFilterPermissionManager;
use MediaWiki\Extension\AbuseFilter\CentralDBNotAvailableException;
use MediaWiki\Extension\AbuseFilter\Filter\FilterNotFoundException;
use MediaWiki\Extension\AbuseFilter\FilterLookup;
use MediaWiki\Extension\AbuseFilter\GlobalNameUtils;
use MediaWiki\Extension\CaptchaGuard\Adapter\ConfirmEditCompat;
use MediaWiki\Extension\CaptchaGuard\Sensitive\SensitiveFilterLookup;
use MediaWiki\Extension\CaptchaGuard\Value\OutcomeDay;
use MediaWiki\Permissions\Authority;

/**
 * Who may see a source's CAPTCHA outcomes, and the figures they see. A
 * filter's outcomes are seen by those who may see the filter, as AbuseFilter
 * decides it (its permission manager, which CaptchaGuard raises to
 * CheckUser level for protected filters on 1.43): abusefilter-view, and
 * abusefilter-view-private for a private filter, the protected level for a
 * protected or CheckUser-level one. The emergency switch's are public, as
 * the switch is.
 */
class OutcomeViewer {

	public const MAX_DAYS = 90;

	public function __construct(
		private OutcomeStore $store,
		private FilterLookup $filters,
		private AbuseFilterPermissionManager $permissions,
		private SensitiveFilterLookup $sensitive
	) {
	}

	/**
	 * @return string|null Null when $viewer may see $source's outcomes;
	 *   otherwise the key of the message that says why not (a filter that does
	 *   not exist is not told apart from one the viewer may not see)
	 */
	public function refusal( Authority $viewer, string $source ): ?string {
		if ( $source === OutcomeReport::EMERGENCY ) {
			return null;
		}
		if ( !$viewer->isAllowed( 'abusefilter-view' ) ) {
			return 'captchaguard-outcomes-permissiondenied';
		}
		[ $id, $global ] = $this->filterId( $source );
		if ( $id === null ) {
			return 'captchaguard-outcomes-nosuchfilter';
		}
		try {
			$filter = $this->filters->getFilter( $id, $global );
		} catch ( FilterNotFoundException | CentralDBNotAvailableException $e ) {
			return 'captchaguard-outcomes-nosuchfilter';
		}
		if ( $filter->isHidden() && !$this->permissions->canViewPrivateFilters( $viewer ) ) {
			return 'captchaguard-outcomes-nosuchfilter';
		}
		$protected = ( method_exists( $filter, 'isProtected' ) && $filter->isProtected() )
			|| ( !$global && $this->sensitive->isSensitive( $id ) );
		if ( $protected && !( method_exists( $this->permissions, 'canViewProtectedVariables' )
			&& $this->permissions->canViewProtectedVariables( $viewer ) )
		) {
			return 'captchaguard-outcomes-nosuchfilter';
		}
		return null;
	}

	/**
	 * A filter's ID as CaptchaGuard counts it: `12`, or `global-12` for a
	 * global filter; [ null, false ] for anything else.
	 *
	 * @return array{0:?int,1:bool}
	 */
	private function filterId( string $source ): array {
		try {
			[ $id, $global ] = GlobalNameUtils::splitGlobalName( $source );
		} catch ( InvalidArgumentException $e ) {
			return [ null, false ];
		}
		$canonical = GlobalNameUtils::buildGlobalName( (int)$id, (bool)$global );
		return $canonical === $source && $id > 0 ? [ (int)$id, (bool)$global ] : [ null, false ];
	}

	/**
	 * $source's outcomes of the last $days days (today included), one row per
	 * day and action that had any, oldest first.
	 *
	 * @return OutcomeDay[]
	 */
	public function rows( string $source, int $days ): array {
		$days = max( 1, min( self::MAX_DAYS, $days ) );
		$since = OutcomeReport::lastDays( $days )[0];
		return OutcomeReport::settle( $this->store->daily( $source, $since ), ConfirmEditCompat::captchaLifetime() );
	}

	/**
	 * The solve rate over the last $days days of each of $sources that has
	 * any counts and that $viewer may see (null: no challenge whose fate is
	 * known yet), for the filter list. Only filters with counts are looked
	 * up: most filters of a list ask for no CAPTCHA.
	 *
	 * @param Authority $viewer
	 * @param string[] $sources
	 * @param int $days
	 * @return array<string,?float>
	 */
	public function solveRates( Authority $viewer, array $sources, int $days ): array {
		$since = OutcomeReport::lastDays( $days )[0];
		$lifetime = ConfirmEditCompat::captchaLifetime();
		$rates = [];
		foreach ( $this->store->dailyOf( $sources, $since ) as $source => $rows ) {
			if ( $this->refusal( $viewer, (string)$source ) === null ) {
				$rates[$source] = OutcomeReport::solveRate( OutcomeReport::settle( $rows, $lifetime ) );
			}
		}
		return $rates;
	}
}
