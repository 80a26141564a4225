<?php

namespace MediaWiki\Extension\CaptchaGuard\AbuseFilter;

use MediaWiki\Context\DerivativeContext;
use MediaWiki\Extension\AbuseFilter\Special\SpecialAbuseLog;
use MediaWiki\Request\DerivativeRequest;

/**
 * Special:AbuseLog (REL1_43; installed by Setup::onRegistration where the
 * CheckUser-level variables are offered) whose list leaves out the hits of
 * protected filters for a viewer below CheckUser level.
 *
 * AbuseFilter's list has no hook; its own filter search is the decision point
 * that already drops protected filters for such viewers. An unsearched list
 * is therefore run as a search for the filters the viewer may search
 * (SensitiveRequests::searchableFilters). The search form is built before
 * the list, so it keeps what the viewer typed. AbuseFilter offers that search
 * only with abusefilter-log-detail; without it (everyone but administrators, by
 * default) the list is not shown while protected filters exist.
 */
class SensitiveAbuseLog extends SpecialAbuseLog {

	/** @inheritDoc */
	public function showList() {
		$searchable = SensitiveRequests::searchableFilters( $this );
		if ( $searchable === null ) {
			parent::showList();
			return;
		}
		if ( $searchable === false ) {
			// Fail closed: the list cannot be narrowed for this viewer.
			$this->getOutput()->addWikiMsg( 'captchaguard-sensitive-log-unlisted' );
			return;
		}
		if ( $searchable === [] ) {
			$this->getOutput()->addWikiMsg( 'abusefilter-log-noresults' );
			return;
		}
		$context = $this->getContext();
		$request = $context->getRequest();
		$restricted = new DerivativeContext( $context );
		$restricted->setRequest( new DerivativeRequest(
			$request,
			[ 'wpSearchFilter' => implode( '|', $searchable ) ] + $request->getValues(),
			$request->wasPosted()
		) );
		$this->setContext( $restricted );
		try {
			$this->loadParameters();
			parent::showList();
		} finally {
			$this->setContext( $context );
			$this->loadParameters();
		}
	}
}
