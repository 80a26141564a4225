<?php

namespace MediaWiki\Extension\CaptchaGuard\AbuseFilter;

use MediaWiki\Extension\CaptchaGuard\CaptchaGuardServices;
use ApiBase;
use ApiQueryBase;
use MediaWiki\Extension\AbuseFilter\AbuseFilterServices;
use MediaWiki\Extension\AbuseFilter\Filter\Flags;
use MediaWiki\Extension\CaptchaGuard\Sensitive\SensitiveAccess;
use MediaWiki\Extension\CaptchaGuard\Sensitive\SensitiveFilterLookup;
use MediaWiki\Extension\CaptchaGuard\SensitiveVariables;
use MediaWiki\Extension\CaptchaGuard\Value\SensitiveTouch;
use MediaWiki\Extension\CaptchaGuard\Value\ViewerRights;
use MediaWiki\MediaWikiServices;
use MediaWiki\Message\Message;
use RequestContext;
use SpecialPage;

/**
 * What an AbuseFilter page or API module is about to show or run of
 * CheckUser-level filters, for the native SensitiveFiltersHandler: a list of
 * touches, each {access: view-filter|view-hits|test, target: the filter or
 * entry, via: the page or module actually used, tested: rules run}. The
 * handler logs them for a checkuser and refuses them to anyone else, as a
 * second line: AbuseFilter's own decision points (SensitivePermissionManager,
 * SensitiveFilterValidator, the abuse log's lists) decide first. Subpages and
 * ids are read as AbuseFilter (REL1_43) reads them.
 */
final class SensitiveRequests {

	private const RULE_FIELDS = [ 'wpFilterRules', 'testfilter' ];
	/** Modules that show or test against one AbuseLog entry (logid). */
	private const API_ENTRY_MODULES = [ 'abusefiltercheckmatch', 'abuselogprivatedetails' ];
	/** Modules that run rules; abusefilterchecksyntax only parses them (see explainSyntaxCheck). */
	private const API_RULE_PARAMS = [
		'abusefilterevalexpression' => 'expression',
		'abusefiltercheckmatch' => 'filter',
	];

	private static function lookup(): SensitiveFilterLookup {
		return CaptchaGuardServices::getSensitiveFilterLookup();
	}

	private static function touch( string $access, string $target, string $via, string $tested = '' ): SensitiveTouch {
		return new SensitiveTouch( access: $access, target: $target, via: $via, tested: $tested );
	}

	/**
	 * The page as requested, with the parameters that choose what it shows.
	 */
	private static function pageUsed( SpecialPage $special, string $subPage ): string {
		$page = $special->getPageTitle( $subPage === '' ? false : $subPage )->getPrefixedText();
		$query = array_filter( array_intersect_key(
			$special->getRequest()->getValues(),
			array_flip( [ 'details', 'hide', 'wpSearchFilter', 'wpSearchTitle', 'wpSearchUser' ] )
		), 'strlen' );
		return $query ? $page . '?' . http_build_query( $query ) : $page;
	}

	private static function mayView( SpecialPage|ApiBase $context ): bool {
		return AbuseFilterServices::getPermissionManager()->canViewProtectedVariables( $context->getAuthority() );
	}

	public static function viewer(): ViewerRights {
		$viewer = RequestContext::getMain()->getAuthority();
		$permissions = AbuseFilterServices::getPermissionManager();
		return new ViewerRights(
			sensitiveRight: $viewer->isAllowed( SensitiveVariables::RIGHT ),
			// AbuseFilter's own level, not the CheckUser level it was raised to.
			protectedAccess: $permissions instanceof SensitivePermissionManager
				? $permissions->hasProtectedLevel( $viewer )
				: $permissions->canViewProtectedVariables( $viewer )
		);
	}

	/**
	 * For list=abuselog's query (SensitiveQueryAbuseLog::select): for a viewer
	 * below CheckUser level, a condition that leaves out the hits of protected
	 * filters, so they are not listed at all; null when there is nothing to leave out.
	 */
	public static function hiddenHitsCondition( ApiQueryBase $module ): ?string {
		if ( $module->getModuleName() !== 'abuselog'
			|| AbuseFilterServices::getPermissionManager()->canViewProtectedVariables( $module->getAuthority() )
		) {
			return null;
		}
		return self::lookup()->conditionOutsideProtectedHits();
	}

	/**
	 * For Special:AbuseLog's list (SensitiveAbuseLog): null when AbuseFilter's
	 * own list may be shown (the viewer is at CheckUser level, searched for
	 * filters, or there are no protected filters); otherwise the local filters
	 * the viewer may search, which leaves out protected filters (and private
	 * ones, as AbuseFilter's search does, for those who may not see them).
	 * False when the list cannot be narrowed: AbuseFilter offers the filter
	 * search only to holders of abusefilter-log-detail.
	 *
	 * @return int[]|null|false
	 */
	public static function searchableFilters( SpecialPage $special ) {
		$viewer = $special->getAuthority();
		$permissions = AbuseFilterServices::getPermissionManager();
		if ( $permissions->canViewProtectedVariables( $viewer )
			|| $special->getRequest()->getText( 'wpSearchFilter' ) !== ''
		) {
			return null;
		}
		$lookup = self::lookup();
		if ( !$lookup->protectedFilterIds() ) {
			return null;
		}
		if ( !$permissions->canSeeLogDetails( $viewer ) ) {
			return false;
		}
		$hidden = Flags::FILTER_USES_PROTECTED_VARS;
		if ( !$permissions->canViewPrivateFiltersLogs( $viewer ) ) {
			$hidden |= Flags::FILTER_HIDDEN;
		}
		return $lookup->filterIdsWithout( $hidden );
	}

	/**
	 * After abusefilterchecksyntax (APIAfterExecute): rules that read a
	 * CheckUser-level variable, checked by someone below that level, get the
	 * reason they could not be saved, where the filter editor shows syntax errors.
	 */
	public static function explainSyntaxCheck( ApiBase $module ): void {
		$name = $module->getModuleName();
		if ( $name !== 'abusefilterchecksyntax' ) {
			return;
		}
		$rules = $module->getRequest()->getText( 'filter' );
		$permissions = AbuseFilterServices::getPermissionManager();
		if ( !$permissions instanceof SensitivePermissionManager
			|| !self::lookup()->usesSensitive( $rules )
			|| $permissions->canViewProtectedVariables( $module->getAuthority() )
		) {
			return;
		}
		$missing = $permissions->missingRights( $module->getAuthority() );
		$found = preg_match( '/\b(' . implode( '|', SensitiveVariables::names() ) . ')\b/i',
			$rules, $match, PREG_OFFSET_CAPTURE );
		$result = $module->getResult();
		$result->reset();
		$result->addValue( null, $name, [
			'status' => 'error',
			'message' => $module->msg( 'captchaguard-sensitive-rights-missing' )
				->params( Message::listParam( $missing ), count( $missing ) )->text(),
			'character' => $found ? $match[0][1] : 0,
		] );
	}

	/**
	 * @return SensitiveTouch[] Empty for any page but Special:AbuseFilter and Special:AbuseLog
	 */
	public static function ofSpecialPage( SpecialPage $special, ?string $subPage ): array {
		$name = $special->getName();
		if ( $name === 'AbuseFilter' ) {
			return self::ofFilterPage( $special, (string)$subPage );
		}
		if ( $name === 'AbuseLog' ) {
			return self::ofLogPage( $special, (string)$subPage );
		}
		return [];
	}

	/**
	 * An id as AbuseFilter reads it from a subpage or parameter: PHP's (int),
	 * so `1x`, `+1`, `01` and ` 1` all mean 1.
	 */
	private static function id( string $text ): int {
		return (int)$text;
	}

	private static function ofFilterPage( SpecialPage $special, string $subPage ): array {
		$lookup = self::lookup();
		$request = $special->getRequest();
		$via = self::pageUsed( $special, $subPage );
		$parts = array_values( array_filter( explode( '/', $subPage ), 'strlen' ) );
		$first = $parts[0] ?? '';
		$touches = [];
		// /N, /history/N[/item/H|/diff/…], /log/N, /revert/N, /test/N
		$filters = [ self::id( $first ) ];
		if ( in_array( $first, [ 'history', 'log', 'revert', 'test' ], true ) ) {
			$filters[] = self::id( $parts[1] ?? '' );
		}
		// /history/N/item/H and /history/N/diff/X/Y load history items by id, whatever N is.
		if ( $first === 'history' || $first === 'log' ) {
			foreach ( array_slice( $parts, 3 ) as $historyId ) {
				$filters[] = $lookup->filterOfHistory( self::id( $historyId ) );
			}
		}
		foreach ( array_unique( array_filter( $filters ) ) as $filter ) {
			if ( $lookup->isSensitive( $filter ) ) {
				$touches[] = self::touch( SensitiveAccess::VIEW_FILTER, "Special:AbuseFilter/$filter", $via );
			}
		}
		// /examine/log/N shows an entry's variables
		if ( $first === 'examine' && ( $parts[1] ?? '' ) === 'log' ) {
			$touches = array_merge( $touches, self::ofEntry( $lookup, self::id( $parts[2] ?? '' ), $via ) );
		}
		// Rules run (/test, /examine, /tools). Rules saved (/new, /N) are the validator's.
		$editing = $first === 'new' || is_numeric( $first ) || in_array( $first, [ 'history', 'log' ], true );
		foreach ( self::RULE_FIELDS as $field ) {
			$rules = $request->getText( $field );
			if ( !$editing && $lookup->usesSensitive( $rules ) ) {
				$touches[] = self::touch( SensitiveAccess::TEST, 'Special:AbuseFilter/' . ( $first ?: 'tools' ), $via, $rules );
			}
		}
		// Searching the filters' text would reveal it piece by piece.
		if ( $request->getText( 'querypattern' ) !== '' && $lookup->anySensitive() ) {
			$touches[] = self::touch( SensitiveAccess::VIEW_FILTER, 'Special:AbuseFilter', $via );
		}
		return $touches;
	}

	private static function ofLogPage( SpecialPage $special, string $subPage ): array {
		$lookup = self::lookup();
		$request = $special->getRequest();
		$via = self::pageUsed( $special, $subPage );
		$touches = [];
		// /ID, /private/ID (its IP address), ?details=ID, ?hide=ID, hideids[ID]
		$parts = explode( '/', $subPage );
		$entries = [ $parts[0] === 'private' ? ( $parts[1] ?? '' ) : $parts[0],
			$request->getText( 'details' ), $request->getText( 'hide' ) ];
		foreach ( array_keys( (array)$request->getArray( 'hideids', [] ) ) as $hidden ) {
			$entries[] = (string)$hidden;
		}
		foreach ( array_unique( array_filter( array_map( [ self::class, 'id' ], $entries ) ) ) as $entry ) {
			$touches = array_merge( $touches, self::ofEntry( $lookup, $entry, $via ) );
		}
		foreach ( preg_split( '/[|,\s]+/', $request->getText( 'wpSearchFilter' ) ) as $filter ) {
			$filter = self::id( $filter );
			if ( $filter && $lookup->isSensitive( $filter ) ) {
				$touches[] = self::touch( SensitiveAccess::VIEW_HITS, "Special:AbuseFilter/$filter", $via );
			}
		}
		// The list: a checkuser sees protected filters' hits in it (SensitiveAbuseLog
		// leaves them out for everyone else, so there is nothing to refuse).
		if ( $subPage === '' && !$touches && $lookup->protectedFilterIds() && self::mayView( $special ) ) {
			$touches[] = self::touch( SensitiveAccess::VIEW_HITS, 'Special:AbuseLog', $via );
		}
		return $touches;
	}

	private static function ofEntry( SensitiveFilterLookup $lookup, int $logId, string $via ): array {
		$filter = $lookup->filterOfEntry( $logId );
		return $filter !== null && $lookup->isSensitive( $filter )
			? [ self::touch( SensitiveAccess::VIEW_HITS, "Special:AbuseLog/$logId", $via ) ]
			: [];
	}

	/**
	 * Before an API module runs: the rules it checks or runs, the entry it tests against.
	 *
	 * @return SensitiveTouch[]
	 */
	public static function ofApiModule( ApiBase $module ): array {
		$name = $module->getModuleName();
		if ( !isset( self::API_RULE_PARAMS[$name] ) && !in_array( $name, self::API_ENTRY_MODULES, true ) ) {
			return [];
		}
		$lookup = self::lookup();
		$request = $module->getRequest();
		$via = "api.php?action=$name";
		$touches = [];
		$rules = $request->getText( self::API_RULE_PARAMS[$name] ?? '' );
		if ( $lookup->usesSensitive( $rules ) ) {
			$touches[] = self::touch( SensitiveAccess::TEST, 'Special:AbuseFilter/tools', $via, $rules );
		}
		$logId = self::id( $request->getText( 'logid' ) );
		if ( in_array( $name, self::API_ENTRY_MODULES, true ) && $logId ) {
			$touches = array_merge( $touches, self::ofEntry( $lookup, $logId, $via ) );
		}
		return $touches;
	}

	/**
	 * After list=abusefilters or list=abuselog ran: the sensitive filters'
	 * patterns and hits in its result, with or without ids; patterns are
	 * removed from it when $remove (AbuseFilter has already left them out, and
	 * SensitiveQueryAbuseLog the hits: this is the second line).
	 *
	 * @return SensitiveTouch[]
	 */
	public static function ofApiQueryResult( ApiQueryBase $module, bool $remove ): array {
		$name = $module->getModuleName();
		$via = "api.php?action=query&list=$name";
		if ( $module instanceof SensitiveQueryAbuseLog ) {
			return array_map(
				static fn ( int $filter ) => self::touch( SensitiveAccess::VIEW_HITS, "Special:AbuseFilter/$filter", $via ),
				$module->protectedFiltersListed()
			);
		}
		if ( $name !== 'abusefilters' ) {
			return [];
		}
		$lookup = self::lookup();
		$result = $module->getResult();
		$path = [ 'query', $name ];
		$touches = [];
		foreach ( (array)$result->getResultData( $path ) as $index => $item ) {
			if ( !is_int( $index ) || !is_array( $item ) || !array_key_exists( 'pattern', $item ) ) {
				continue;
			}
			$filters = isset( $item['id'] ) ? [ (int)$item['id'] ]
				: $lookup->filtersWithPattern( (string)$item['pattern'] );
			$sensitive = array_filter( $filters, [ $lookup, 'isSensitive' ] );
			foreach ( $sensitive as $filter ) {
				$touches[] = self::touch( SensitiveAccess::VIEW_FILTER, "Special:AbuseFilter/$filter", $via );
			}
			if ( $sensitive && $remove ) {
				$result->removeValue( array_merge( $path, [ $index ] ), 'pattern' );
			}
		}
		return $touches;
	}

	/**
	 * Answers a special page request that was refused: for the rights
	 * missing, or, with none named, because the access could not be checked
	 * or logged just now.
	 */
	public static function refusePage( SpecialPage $special, array $missingRights ): void {
		$out = $special->getOutput();
		if ( !$missingRights ) {
			$out->setStatusCode( 503 );
			$out->showErrorPage( 'captchaguard-sensitive-denied-title', 'captchaguard-sensitive-unavailable' );
			return;
		}
		$out->setStatusCode( 403 );
		$out->showErrorPage( 'captchaguard-sensitive-denied-title', 'captchaguard-sensitive-denied',
			[ Message::listParam( $missingRights ), count( $missingRights ) ] );
	}
}
