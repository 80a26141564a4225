<?php
/**
 * The integration suite runs inside a real MediaWiki 1.43 with ConfirmEdit,
 * AbuseFilter and CaptchaGuard loaded: a throwaway SQLite wiki made by
 * `make phpunit-integration` (MW_CONFIG_FILE), booted the way a command-line
 * script is. Debian's MediaWiki ships without its own tests/phpunit, so this
 * stands in for MediaWiki's phpunit setup; each test cleans up what it wrote.
 */

$ip = getenv( 'MW_INSTALL_PATH' );
if ( !$ip || !getenv( 'MW_CONFIG_FILE' ) ) {
	fwrite( STDERR, "MW_INSTALL_PATH and MW_CONFIG_FILE name the wiki to test against\n" );
	exit( 1 );
}
define( 'MW_ENTRY_POINT', 'cli' );
// phpcs:ignore MediaWiki.NamingConventions.ValidGlobalName -- MediaWiki's own
$IP = $ip;
require_once "$ip/includes/WebStart.php";
