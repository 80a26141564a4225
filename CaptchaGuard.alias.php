<?php
/**
 * Aliases for CaptchaGuard's special pages.
 *
 * @file
 */

$specialPageAliases = [];

/** English (English) */
$specialPageAliases['en'] = [
	'EmergencyCaptcha' => [ 'EmergencyCaptcha' ],
];
