// QuestyCaptcha as the fallback of CaptchaGuard's hCaptcha while siteverify
// fails: after 3 failures in a row, for 4 seconds (after hcaptcha-settings.php).
if ( version_compare( MW_VERSION, '1.43', '>=' ) ) {
	wfLoadExtension( 'QuestyCaptcha', "$IP/extensions-core/ConfirmEdit/QuestyCaptcha/extension.json" );
} else {
	// ConfirmEdit 1.39's hCaptcha and QuestyCaptcha both set $wgCaptchaClass, so
	// they cannot both be loaded: QuestyCaptcha's class and messages only.
	$wgAutoloadClasses['QuestyCaptcha'] = "$IP/extensions-core/ConfirmEdit/QuestyCaptcha/includes/QuestyCaptcha.php";
	$wgMessagesDirs['QuestyCaptcha'] = "$IP/extensions-core/ConfirmEdit/QuestyCaptcha/i18n";
}
$wgCaptchaGuardHCaptchaFallbackClass = 'QuestyCaptcha';
$wgCaptchaGuardHCaptchaFallbackThreshold = 3;
$wgCaptchaGuardHCaptchaFallbackSeconds = 4;
