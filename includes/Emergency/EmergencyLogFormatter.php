<?php

namespace MediaWiki\Extension\CaptchaGuard\Emergency;

use LogFormatter;
use IContextSource;

/**
 * The emergencycaptcha log: covered actions by their localised names, the
 * expiry in the reader's date format, the wikis as a list.
 */
class EmergencyLogFormatter extends LogFormatter {

	/**
	 * @param IContextSource $context
	 * @param string[] $actions Trigger names
	 * @return string Localised names (captchaguard-emergency-action-*) in a list
	 */
	public static function actionNames( IContextSource $context, array $actions ): string {
		return $context->getLanguage()->commaList( array_map(
			// captchaguard-emergency-action-edit, -create, -addurl, -createaccount
			static fn ( $action ) => $context->msg( "captchaguard-emergency-action-$action" )->text(),
			$actions
		) );
	}

	protected function getMessageParameters() {
		$params = parent::getMessageParameters();
		$raw = $this->entry->getParameters();
		$lang = $this->context->getLanguage();

		// Entries written before the parameters were typed hold strings.
		$actions = $raw['4:array:actions'] ?? EmergencyPolicy::parseActions( (string)( $raw['4::actions'] ?? '' ) );
		$params[3] = self::actionNames( $this->context, (array)$actions );

		$expiry = $raw['5:timestamp:expiry'] ?? $raw['5::expiry'] ?? '';
		$params[4] = $expiry === ''
			? ''
			: $lang->userTimeAndDate( wfTimestamp( TS_MW, $expiry ), $this->context->getUser() );

		$wikis = $raw['6:array:wikis'] ?? explode( ', ', (string)( $raw['6::wikis'] ?? '' ) );
		$params[5] = $lang->commaList( (array)$wikis );

		ksort( $params );
		return $params;
	}
}
