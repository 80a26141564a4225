<?php

namespace MediaWiki\Extension\CaptchaGuard\AbuseFilter;

use MediaWiki\Extension\AbuseFilter\Filter\AbstractFilter;
use MediaWiki\Extension\AbuseFilter\FilterValidator;
use MediaWiki\Permissions\Authority;
use Message;
use Status;

/**
 * AbuseFilter's filter validator (installed by Setup::onMediaWikiServices on
 * 1.39 and 1.43), which every save goes through (the editor, a restored
 * history item, an import), with one more rule: a filter limited to actions
 * no CAPTCHA can be asked for (`action == "delete"`, `autocreateaccount`,
 * `stashupload`) cannot have showcaptcha or forcecaptcha, which would do
 * nothing there. The refusal is an error, not fatal: AbuseFilter shows the
 * editor again with everything typed in it.
 */
class CaptchaFilterValidator extends FilterValidator {

	/** @inheritDoc */
	public function checkAll(
		AbstractFilter $newFilter, AbstractFilter $originalFilter, Authority $performer
	): Status {
		$status = parent::checkAll( $newFilter, $originalFilter, $performer );
		if ( !$status->isGood() ) {
			return $status;
		}
		$captchaActions = array_values( array_intersect(
			[ ConsequenceRunner::SHOW, ConsequenceRunner::FORCE ],
			array_keys( $newFilter->getActions() )
		) );
		if ( !$captchaActions ) {
			return $status;
		}
		$uncovered = ConsequenceRunner::uncoveredActions( $newFilter->getRules() );
		if ( $uncovered ) {
			$status->error(
				'captchaguard-filter-uncovered-actions',
				Message::listParam( $captchaActions ),
				Message::listParam( $uncovered ),
				count( $uncovered )
			);
		}
		return $status;
	}
}
