<?php

use MediaWiki\Extension\CaptchaGuard\Hooks\SensitiveFiltersHandler;
use MediaWiki\Extension\CaptchaGuard\Hooks\SensitiveVariablesHandler;
use MediaWiki\Extension\CaptchaGuard\Sensitive\SensitiveAccess;
use MediaWiki\Extension\CaptchaGuard\SensitivePurge;
use MediaWiki\Extension\CaptchaGuard\SensitiveVariables;
use PHPUnit\Framework\TestCase;

/**
 * The native classes of the CheckUser-level filters (issue 9): the variables,
 * the rule of who may see them, the gate standing aside where nothing is
 * sensitive, and the purge's cutoff, with a FakeHost. What needs MediaWiki's
 * users, pages and modules is tested in the real wiki
 * (tests/phpunit/integration/SensitiveHooksTest.php,
 * tests/integration/test_sensitive*.py).
 */
class SensitiveFiltersTest extends TestCase {

	private const EXTRA = 'an argument MediaWiki core does not document';
	private const NAMES = [ 'user_agent', 'user_ip', 'hcaptcha_risk_bucket' ];

	private FakeHost $host;

	protected function setUp(): void {
		$this->host = FakeHost::anonymous();
		// Installs the host for the module's static classes, as a request's handlers do.
		new SensitiveVariablesHandler( $this->host, true );
	}

	private function log(): string {
		return implode( "\n", $this->host->logLines() );
	}

	public function testTheEditorListsTheVariablesOnlyWhereTheyAreOffered() {
		$values = [ 'vars' => [ 'user_name' => 'user-name' ] ];
		( new SensitiveVariablesHandler( $this->host, true ) )->onAbuseFilter_builder( $values, self::EXTRA );
		$this->assertSame( [
			'user_name' => 'user-name',
			'user_agent' => 'captchaguard-user-agent',
			'user_ip' => 'captchaguard-user-ip',
			'hcaptcha_risk_bucket' => 'captchaguard-hcaptcha-risk-bucket',
		], $values['vars'] );

		$old = [ 'vars' => [] ];
		( new SensitiveVariablesHandler( $this->host, false ) )->onAbuseFilter_builder( $old );
		$this->assertSame( [ 'vars' => [] ], $old );

		$broken = [];
		( new SensitiveVariablesHandler( $this->host, true ) )->onAbuseFilter_builder( $broken );
		$this->assertSame( [], $broken );
		$this->assertStringContainsString( 'no variable list', $this->log() );
	}

	public function testOtherVariablesAreLeftToAbuseFilter() {
		$result = 'untouched';
		$handler = new SensitiveVariablesHandler( $this->host, true );
		$this->assertTrue(
			$handler->onAbuseFilter_interceptVariable( 'diff', null, [], $result, self::EXTRA )
		);
		$this->assertSame( 'untouched', $result );
	}

	public function testTheRequestsOwnValues() {
		$handler = new SensitiveVariablesHandler( $this->host, true );
		$expected = [ 'user_agent' => 'FakeHost/1.0', 'user_ip' => '198.51.100.9', 'hcaptcha_risk_bucket' => -1.0 ];
		foreach ( $expected as $name => $value ) {
			$result = null;
			$this->assertFalse( $handler->onAbuseFilter_interceptVariable(
				'captchaguard-sensitive', null, [ 'variable' => $name, 'own_request' => true ], $result, self::EXTRA
			) );
			$this->assertSame( $value, $result, $name );
		}
	}

	public function testElsewhereTheValuesAreEmpty() {
		$handler = new SensitiveVariablesHandler( $this->host, true );
		$expected = [ 'user_agent' => '', 'user_ip' => '', 'hcaptcha_risk_bucket' => -1.0 ];
		foreach ( $expected as $name => $value ) {
			$result = null;
			$handler->onAbuseFilter_interceptVariable(
				'captchaguard-sensitive', null, [ 'variable' => $name, 'own_request' => false ], $result
			);
			$this->assertSame( $value, $result, $name );
		}
	}

	public function testAnUnknownOrMalformedRequestIsEmptyAndLogged() {
		$handler = new SensitiveVariablesHandler( $this->host, true );
		foreach ( [ [ 'variable' => 'user_unnamed_ip', 'own_request' => true ], 'not an array', [] ] as $parameters ) {
			$result = null;
			$this->assertFalse(
				$handler->onAbuseFilter_interceptVariable( 'captchaguard-sensitive', null, $parameters, $result )
			);
			$this->assertSame( '', $result );
		}
		$this->assertStringContainsString( "'user_unnamed_ip' is not a CaptchaGuard sensitive variable",
			$this->log() );
	}

	public function testTheVariablesAreTheModules() {
		$this->assertSame( self::NAMES, SensitiveVariables::names() );
	}

	public function testTheRuleAbuseFiltersPermissionManagerAsksNamesWhatIsMissing() {
		$extension = json_decode( file_get_contents( __DIR__ . '/../../../extension.json' ), true );
		$this->assertContains( SensitiveVariables::RIGHT, $extension['AvailableRights'] );
		$this->assertTrue( SensitiveVariables::maySee( true, true ) );
		$this->assertFalse( SensitiveVariables::maySee( true, false ) );
		$this->assertFalse( SensitiveVariables::maySee( false, true ) );
		$this->assertSame( [], SensitiveVariables::missingRights( true, true ) );
		$this->assertSame( [ 'abusefilter-access-protected-vars' ], SensitiveVariables::missingRights( true, false ) );
		$this->assertSame( [ SensitiveVariables::RIGHT ], SensitiveVariables::missingRights( false, true ) );
	}

	public function testEveryKindOfAccessIsALocalisedLogAction() {
		$en = json_decode( file_get_contents( __DIR__ . '/../../../i18n/en.json' ), true );
		$qqq = json_decode( file_get_contents( __DIR__ . '/../../../i18n/qqq.json' ), true );
		$kinds = [ SensitiveAccess::VIEW_FILTER, SensitiveAccess::VIEW_HITS, SensitiveAccess::TEST ];
		$this->assertSame( [ 'view-filter', 'view-hits', 'test' ], $kinds );
		foreach ( $kinds as $kind ) {
			$this->assertArrayHasKey( "logentry-captchaguard-sensitive-$kind", $en );
			$this->assertArrayHasKey( "logentry-captchaguard-sensitive-$kind", $qqq );
		}
	}

	public function testTheGateStandsAsideWhereNothingIsSensitive() {
		$message = null;
		$old = new SensitiveFiltersHandler( $this->host, false );
		$this->assertTrue( $old->onSpecialPageBeforeExecute( null, null, self::EXTRA ) );
		$this->assertTrue( $old->onApiCheckCanExecute( null, null, $message, self::EXTRA ) );
		$this->assertNull( $old->onAPIQueryAfterExecute( null, self::EXTRA ) );
		$this->assertNull( $message );
		$this->assertSame( [], $this->host->logs );
	}

	public function testAGateThatCannotTellRefuses() {
		$message = null;
		$gate = new SensitiveFiltersHandler( $this->host, true );
		// Not an API module: what it touches cannot be read, so it is refused.
		$this->assertFalse( $gate->onApiCheckCanExecute( 'not a module', null, $message ) );
		// It says the access could not be checked, and names no rights it cannot know are missing.
		$this->assertSame( [ 'captchaguard-sensitive-unavailable' ], $message );
		$this->assertStringContainsString( 'refused', $this->log() );
	}

	public function testThePurgeCutoff() {
		$now = 200 * 86400;
		$this->assertSame( $now - 90 * 86400, SensitivePurge::cutoff( $now, 7776000 ) );
		$this->assertSame( $now - 86400, SensitivePurge::cutoff( $now, '86400' ) );
		foreach ( [ 3600, 'ninety days', null, -5 ] as $bad ) {
			$this->host->logs = [];
			$this->assertSame( $now - 90 * 86400, SensitivePurge::cutoff( $now, $bad ) );
			$this->assertStringContainsString( 'using 90 days', $this->log() );
		}
		$this->assertSame( 100, SensitivePurge::batchSize() );
		$this->assertTrue( SensitivePurge::continues( 100 ) );
		$this->assertFalse( SensitivePurge::continues( 99 ) );
		$this->assertFalse( SensitivePurge::continues( -1 ) );
	}
}
