<?php
// Settings shared by the test and demo wikis, included from the LocalSettings.php
// that install.php wrote. The web server passes CAPTCHAGUARD_LOAD_ORDER so one
// wiki can be reached under several extension load orders.

$captchaGuardRoot = dirname( __DIR__, 2 );
$captchaGuardCore = "$IP/extensions-core";

// Debian's nginx passes HTTP_HOST without the port ($host in fastcgi_params):
// put it back, or redirects (after saving, after logging in) leave the wiki.
if ( isset( $_SERVER['HTTP_HOST'] ) ) {
	$captchaGuardPort = (int)( $_SERVER['SERVER_PORT'] ?? 80 );
	$wgServer = 'http://' . $_SERVER['HTTP_HOST'];
	if ( !str_contains( $_SERVER['HTTP_HOST'], ':' ) && $captchaGuardPort !== 80 ) {
		$wgServer .= ":$captchaGuardPort";
	}
}
$wgCanonicalServer = $wgServer;

// $captchaGuardCaptcha (set before this file): 'QuestyCaptcha' (default) or 'hCaptcha'.
$captchaGuardCaptcha ??= 'QuestyCaptcha';
$captchaGuardExtensions = [
	'ConfirmEdit' => "$captchaGuardCore/ConfirmEdit/extension.json",
	$captchaGuardCaptcha => "$captchaGuardCore/ConfirmEdit/$captchaGuardCaptcha/extension.json",
	'AbuseFilter' => "$captchaGuardCore/AbuseFilter/extension.json",
	// wiki.sh sets $captchaGuardPackaged for a wiki served with the installed package.
	'CaptchaGuard' => empty( $captchaGuardPackaged )
		? "$captchaGuardRoot/extension.json" : "$IP/extensions/CaptchaGuard/extension.json",
];
// The same wiki without CaptchaGuard (benchmarks): a server or CLI run that
// wiki.sh started without the module.
if ( getenv( 'CAPTCHAGUARD_UNLOADED' ) ) {
	unset( $captchaGuardExtensions['CaptchaGuard'] );
}
$captchaGuardOrder = $_SERVER['CAPTCHAGUARD_LOAD_ORDER'] ?? getenv( 'CAPTCHAGUARD_LOAD_ORDER' ) ?: 'ce-af-cg';
if ( $captchaGuardOrder === 'cg-af-ce' ) {
	$captchaGuardExtensions = array_reverse( $captchaGuardExtensions, true );
}
foreach ( $captchaGuardExtensions as $name => $path ) {
	wfLoadExtension( $name, $path );
}
// Another extension on CaptchaGuard's CaptchaGuardBeforeChallenge hook (test_hook.py);
// it acts only on pages titled "CG hook skip …" and "CG hook claim …". Not on the
// benchmark wikis ($captchaGuardBench): its cost is not CaptchaGuard's.
if ( isset( $captchaGuardExtensions['CaptchaGuard'] ) && empty( $captchaGuardBench ) ) {
	wfLoadExtension( 'CaptchaGuardHookTest', __DIR__ . '/hook-extension/extension.json' );
	$wgCaptchaGuardHookTestFile = dirname( $wgCacheDirectory ) . '/hook-claims.jsonl';
}
// $captchaGuardEditors (set before this file, MediaWiki 1.43): the editors most
// people use, VisualEditor and DiscussionTools' reply and new-topic tools, and
// the mobile skin. DiscussionTools needs Linter.
if ( !empty( $captchaGuardEditors ) ) {
	foreach ( [ 'VisualEditor', 'Linter', 'DiscussionTools' ] as $name ) {
		wfLoadExtension( $name, "$captchaGuardCore/$name/extension.json" );
	}
	wfLoadSkin( 'MinervaNeue', "$IP/skins/MinervaNeue/skin.json" );
}
// ConfirmEdit 1.43 picks the CAPTCHA type by $wgCaptchaClass alone.
if ( $captchaGuardCaptcha === 'QuestyCaptcha' && version_compare( MW_VERSION, '1.43', '>=' ) ) {
	$wgCaptchaClass = 'QuestyCaptcha';
}

$wgCaptchaQuestions = [ 'Type the word guard' => 'guard' ];
// Sign-ups are asked for a CAPTCHA only where a filter asks (the hCaptcha wikis
// turn ConfirmEdit's own trigger on).
if ( $captchaGuardCaptcha === 'QuestyCaptcha' ) {
	$wgCaptchaTriggers['createaccount'] = false;
}
// $captchaGuardMemcached ("host:port", set before this file): several application
// servers share sessions, the object stash and the main cache through memcached.
if ( isset( $captchaGuardMemcached ) ) {
	$wgMemCachedServers = [ $captchaGuardMemcached ];
	$wgMainCacheType = CACHE_MEMCACHED;
	$wgSessionCacheType = CACHE_MEMCACHED;
	$wgMainStash = CACHE_MEMCACHED;
} else {
	$wgSessionCacheType = CACHE_DB;
}
$wgCookieSecure = false;
$wgGroupPermissions['captchaskipper']['skipcaptcha'] = true;
// Stewards switch emergency CAPTCHAs on other wikis of the farm.
$wgGroupPermissions['steward']['emergencycaptcha'] = true;
$wgGroupPermissions['steward']['emergencycaptcha-global'] = true;
// Filter editors who may not use restricted actions such as forcecaptcha.
$wgGroupPermissions['filtereditor']['abusefilter-modify'] = true;
$wgGroupPermissions['filtereditor']['abusefilter-view-private'] = true;
// AbuseFilter's protected level (sysops have it by default), so that what keeps filter
// editors and sysops from CheckUser-level filters is CaptchaGuard's right alone.
$wgGroupPermissions['filtereditor']['abusefilter-access-protected-vars'] = true;
$wgGroupPermissions['filtereditor']['abusefilter-log-detail'] = true;
// ConfirmEdit 1.43's own showcaptcha is switched on to show that CaptchaGuard's replaces it.
$wgConfirmEditEnabledAbuseFilterCustomActions = [ 'showcaptcha' ];
// ConfirmEdit's badcaptcha limit turns right answers into new CAPTCHAs once hit,
// and tests edit far faster than the default edit limits allow.
$wgGroupPermissions['*']['noratelimit'] = true;
// Filters match most test edits; AbuseFilter must not throttle them.
$wgAbuseFilterEmergencyDisableThreshold = [ 'default' => 1.0 ];
$wgAbuseFilterEmergencyDisableCount = [ 'default' => 1000000 ];
$wgDebugLogGroups['CaptchaGuard'] = getenv( 'CAPTCHAGUARD_LOG' ) ?: ( $_SERVER['CAPTCHAGUARD_LOG'] ?? false );
$wgShowExceptionDetails = true;
// Emergency switches reach every worker within 2 s (default 5).
$wgCaptchaGuardEmergencyRefresh = 2;
// Lets a test break the event destinations for one request, to see that a
// saved edit survives a failing event.
if ( ( $_SERVER['HTTP_X_CAPTCHAGUARD_TEST'] ?? '' ) === 'broken-events' ) {
	$wgCaptchaGuardEventLogFile = '/nonexistent/captchaguard/events.jsonl';
	$wgEventLoggingStandInFile = '/nonexistent/captchaguard/eventlogging.jsonl';
}
// The fault tests (test_faults.py) break one request on purpose, by header: a
// panic at a native entry point (fault-injection builds of the module), or a
// PHP fatal error or time-out in a hook handler that runs after CaptchaGuard's.
if ( !empty( $captchaGuardFaultTests ) ) {
	$captchaGuardFault = $_SERVER['HTTP_X_CAPTCHAGUARD_FAULT'] ?? '';
	if ( str_starts_with( $captchaGuardFault, 'panic:' ) ) {
		// Restored by PHP when the request ends.
		ini_set( 'captchaguard.fault_panic', substr( $captchaGuardFault, strlen( 'panic:' ) ) );
	} elseif ( preg_match( '/^(fatal|timeout):(\w+)$/', $captchaGuardFault, $captchaGuardFaultAt ) ) {
		$wgExtensionFunctions[] = static function () use ( $captchaGuardFaultAt ) {
			[ , $kind, $hook ] = $captchaGuardFaultAt;
			MediaWiki\MediaWikiServices::getInstance()->getHookContainer()->register(
				$hook,
				static function () use ( $kind ) {
					if ( $kind === 'fatal' ) {
						ini_set( 'memory_limit', '64M' );
						$GLOBALS['captchaGuardWaste'] = str_repeat( 'x', 256 << 20 );
					}
					set_time_limit( 1 );
					// @phan-suppress-next-line PhanInfiniteLoop Until PHP ends the request.
					// phpcs:ignore Generic.CodeAnalysis.EmptyStatement -- burns CPU time until the limit
					while ( true ) {
					}
				}
			);
		};
	}
}
// Lets tests see which PHP-FPM worker answered.
if ( PHP_SAPI === 'fpm-fcgi' ) {
	header( 'X-CaptchaGuard-Worker: ' . getmypid() );
	header( 'X-CaptchaGuard-Server: ' . getenv( 'CAPTCHAGUARD_SERVER' ) );
}

// Uploads (a filter's CAPTCHA on Special:Upload and action=upload), into the
// wiki's own folder.
$wgEnableUploads = true;
$wgUploadDirectory = dirname( $wgCacheDirectory ) . '/images';
$wgUploadPath = '/images';

// Metrics (MediaWiki 1.41+'s StatsFactory) as dogstatsd to 127.0.0.1:8125,
// where test_metrics.py listens; with nobody listening they are dropped.
$wgStatsTarget = 'udp://127.0.0.1:8125';
$wgStatsFormat = 'dogstatsd';

// Instruction counts (bench/instruction_count.py, $captchaGuardInstructionCount set before
// this file): valgrind runs a request some 50 times slower, so work done on a wall-clock
// timer would be counted some 50 times too often, and jobs run at random.
if ( !empty( $captchaGuardInstructionCount ) ) {
	$wgCaptchaGuardEmergencyRefresh = 3600;
	$wgCaptchaGuardOutcomeFlushSeconds = 3600;
	$wgJobRunRate = 0;
}
