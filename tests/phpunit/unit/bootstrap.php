<?php
// Unit tests of the native classes: the module is loaded by `php -d extension=…`
// and MediaWiki is replaced by the small stand-ins in StandIns.php.

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

// After the autoloader: FakeSwitchSource implements CaptchaGuard's SwitchSource.
require_once __DIR__ . '/StandIns.php';
