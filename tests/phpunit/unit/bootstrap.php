<?php
// Unit tests of the native classes: the module is loaded (PHP_INI_SCAN_DIR) and
// the whole of MediaWiki it is given is a FakeHost. What needs MediaWiki's own
// objects (users, pages, Status, OutputPage), ConfirmEdit or AbuseFilter is
// tested inside the real wiki: tests/phpunit/integration.

if ( !extension_loaded( 'captchaguard' ) ) {
	fwrite( STDERR, "The captchaguard module is not loaded (php -d extension=…/libcaptchaguard.so)\n" );
	exit( 1 );
}

spl_autoload_register( static function ( string $class ) {
	$prefix = 'MediaWiki\\Extension\\CaptchaGuard\\';
	if ( str_starts_with( $class, $prefix ) ) {
		$file = dirname( __DIR__, 3 ) . '/includes/' .
			str_replace( '\\', '/', substr( $class, strlen( $prefix ) ) ) . '.php';
		if ( is_file( $file ) ) {
			require_once $file;
		}
	}
} );

// After the autoloader: FakeHost implements CaptchaGuard's Host.
require_once __DIR__ . '/../RecordedLog.php';
require_once __DIR__ . '/FakeHost.php';
