// CaptchaGuard's hCaptcha class, verifying against the tests' fake siteverify.
$captchaGuardCaptcha = 'hCaptcha';
$wgCaptchaClass = 'MediaWiki\Extension\CaptchaGuard\HCaptcha';
$wgHCaptchaSiteKey = 'test-site-key';
$wgHCaptchaSecretKey = 'test-secret-key';
// fake_siteverify.py names this key for tokens without one: the tests' filters get it.
$wgCaptchaGuardHCaptchaChallengeSiteKey = 'test-challenge-key';
$wgCaptchaGuardHCaptchaScriptUrl = 'http://127.0.0.1:8199/1/api.js';
$wgCaptchaGuardHCaptchaVerifyUrl = 'http://127.0.0.1:8199/siteverify';
$wgCaptchaGuardHCaptchaVerifyTimeout = 1;
$wgCaptchaGuardEventLogFile = __DIR__ . '/events.jsonl';
$wgCaptchaTriggers['edit'] = true;
$wgCaptchaTriggers['createaccount'] = true;
