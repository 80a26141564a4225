<?php

namespace MediaWiki\Extension\CaptchaGuard\AbuseFilter;

use ApiBase;
use ApiQueryBase;
use MediaWiki\Extension\AbuseFilter\AbuseFilterServices;
use MediaWiki\Extension\CaptchaGuard\Sensitive\SensitiveFilterLookup;
use MediaWiki\MediaWikiServices;
use RequestContext;
use SpecialPage;

/**
 * What an AbuseFilter page or API module is about to show or run of
 * CheckUser-level filters, as the native SensitiveFiltersHandler gates it:
 * a list of touches, each {access: view-filter|view-hits|test, target: page}.
 * AbuseFilter 1.43 has no hook to narrow access to a protected variable, so
 * this reads its subpages and parameters (REL1_43) from the outside.
 */
final class SensitiveRequests {

	private const RULE_FIELDS = [ 'wpFilterRules', 'testfilter' ];
	/** Modules that show or test against one AbuseLog entry (logid). */
	private const API_ENTRY_MODULES = [ 'abusefiltercheckmatch', 'abuselogprivatedetails' ];
	private const API_RULE_PARAMS = [
		'abusefilterchecksyntax' => 'filter',
		'abusefilterevalexpression' => 'expression',
		'abusefiltercheckmatch' => 'filter',
	];

	private static function lookup(): SensitiveFilterLookup {
		return MediaWikiServices::getInstance()->get( 'CaptchaGuard.SensitiveFilterLookup' );
	}

	private static function touch( string $access, string $target ): object {
		return (object)[ 'access' => $access, 'target' => $target ];
	}

	/**
	 * @return object{sensitive_right: bool, protected_access: bool}
	 */
	public static function viewer(): object {
		$viewer = RequestContext::getMain()->getAuthority();
		return (object)[
			'sensitive_right' => $viewer->isAllowed( 'captchaguard-sensitive-filters' ),
			'protected_access' => AbuseFilterServices::getPermissionManager()->canViewProtectedVariables( $viewer ),
		];
	}

	/**
	 * @return object[] Empty for any page but Special:AbuseFilter and Special:AbuseLog
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

	private static function ofFilterPage( SpecialPage $special, string $subPage ): array {
		$lookup = self::lookup();
		$request = $special->getRequest();
		$parts = array_values( array_filter( explode( '/', $subPage ), 'strlen' ) );
		$first = $parts[0] ?? '';
		$touches = [];
		// /N, /history/N[/item/M|/diff/…], /log/N, /revert/N
		$filter = is_numeric( $first ) ? $first
			: ( in_array( $first, [ 'history', 'log', 'revert' ], true ) ? ( $parts[1] ?? '' ) : '' );
		if ( is_numeric( $filter ) && $lookup->isSensitive( (int)$filter ) ) {
			$touches[] = self::touch( 'view-filter', "Special:AbuseFilter/$filter" );
		}
		// /examine/log/N shows an entry's variables
		if ( $first === 'examine' && ( $parts[1] ?? '' ) === 'log' && is_numeric( $parts[2] ?? '' ) ) {
			$touches = array_merge( $touches, self::ofEntry( $lookup, (int)$parts[2] ) );
		}
		$here = $special->getPageTitle( $subPage === '' ? false : $subPage )->getPrefixedText();
		// Rules saved (/new, /N) or run (/test, /examine)
		$editing = $first === 'new' || is_numeric( $first );
		foreach ( self::RULE_FIELDS as $field ) {
			if ( $lookup->usesSensitive( $request->getText( $field ) ) ) {
				$touches[] = self::touch( $editing ? 'view-filter' : 'test', $here );
			}
		}
		// Searching the filters' text would reveal it piece by piece.
		if ( $request->getText( 'querypattern' ) !== '' && $lookup->anySensitive() ) {
			$touches[] = self::touch( 'view-filter', $here );
		}
		return $touches;
	}

	private static function ofLogPage( SpecialPage $special, string $subPage ): array {
		$lookup = self::lookup();
		$request = $special->getRequest();
		$touches = [];
		// /ID, /private/ID (its IP address), ?details=ID, ?hide=ID
		$private = preg_match( '#^private/(\d+)$#', $subPage, $m ) ? $m[1] : '';
		foreach ( [ $subPage, $private, $request->getText( 'details' ), $request->getText( 'hide' ) ] as $entry ) {
			if ( is_numeric( $entry ) ) {
				$touches = array_merge( $touches, self::ofEntry( $lookup, (int)$entry ) );
			}
		}
		foreach ( preg_split( '/[|,\s]+/', $request->getText( 'wpSearchFilter' ) ) as $filter ) {
			if ( is_numeric( $filter ) && $lookup->isSensitive( (int)$filter ) ) {
				$touches[] = self::touch( 'view-hits', "Special:AbuseFilter/$filter" );
			}
		}
		return $touches;
	}

	private static function ofEntry( SensitiveFilterLookup $lookup, int $logId ): array {
		$filter = $lookup->filterOfEntry( $logId );
		return $filter !== null && $lookup->isSensitive( $filter )
			? [ self::touch( 'view-hits', "Special:AbuseLog/$logId" ) ]
			: [];
	}

	/**
	 * Before an API module runs: the rules it checks or runs, the entry it tests against.
	 *
	 * @return object[]
	 */
	public static function ofApiModule( ApiBase $module ): array {
		$name = $module->getModuleName();
		if ( !isset( self::API_RULE_PARAMS[$name] ) && !in_array( $name, self::API_ENTRY_MODULES, true ) ) {
			return [];
		}
		$lookup = self::lookup();
		$request = $module->getRequest();
		$touches = [];
		if ( $lookup->usesSensitive( $request->getText( self::API_RULE_PARAMS[$name] ?? '' ) ) ) {
			$touches[] = self::touch( 'test', "Special:ApiSandbox#action=$name" );
		}
		$logId = $request->getText( 'logid' );
		if ( in_array( $name, self::API_ENTRY_MODULES, true ) && is_numeric( $logId ) ) {
			$touches = array_merge( $touches, self::ofEntry( $lookup, (int)$logId ) );
		}
		return $touches;
	}

	/**
	 * After list=abusefilters or list=abuselog ran: the sensitive filters'
	 * patterns and hit details in its result, removed from it when $remove.
	 *
	 * @return object[]
	 */
	public static function ofApiQueryResult( ApiQueryBase $module, bool $remove ): array {
		$shown = [ 'abusefilters' => 'pattern', 'abuselog' => 'details' ][$module->getModuleName()] ?? null;
		if ( $shown === null ) {
			return [];
		}
		$lookup = self::lookup();
		$result = $module->getResult();
		$path = [ 'query', $module->getModuleName() ];
		$touches = [];
		foreach ( (array)$result->getResultData( $path ) as $index => $item ) {
			if ( !is_int( $index ) || !is_array( $item ) || !array_key_exists( $shown, $item ) ) {
				continue;
			}
			$filter = $shown === 'pattern' ? ( $item['id'] ?? '' ) : ( $item['filter_id'] ?? '' );
			if ( !is_numeric( $filter ) || !$lookup->isSensitive( (int)$filter ) ) {
				continue;
			}
			$touches[] = $shown === 'pattern'
				? self::touch( 'view-filter', "Special:AbuseFilter/$filter" )
				: self::touch( 'view-hits', 'Special:AbuseLog/' . ( $item['id'] ?? '' ) );
			if ( $remove ) {
				$result->removeValue( array_merge( $path, [ $index ] ), $shown );
			}
		}
		return $touches;
	}

	/**
	 * Answers a special page request that was refused.
	 */
	public static function refusePage( SpecialPage $special ): void {
		$out = $special->getOutput();
		$out->setStatusCode( 403 );
		$out->showErrorPage( 'captchaguard-sensitive-denied-title', 'captchaguard-sensitive-denied' );
	}
}
