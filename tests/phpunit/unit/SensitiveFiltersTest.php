<?php

use MediaWiki\Extension\AbuseFilter\Variables\VariableHolder;
use MediaWiki\Extension\CaptchaGuard\Hooks\SensitiveFiltersHandler;
use MediaWiki\Extension\CaptchaGuard\Hooks\SensitiveVariablesHandler;
use MediaWiki\Extension\CaptchaGuard\Sensitive\SensitiveAccess;
use MediaWiki\Extension\CaptchaGuard\SensitivePurge;
use MediaWiki\Extension\CaptchaGuard\SensitiveVariables;
use MediaWiki\Logger\LoggerFactory;
use PHPUnit\Framework\TestCase;

/**
 * The native classes of the CheckUser-level filters (issue 9): the variables,
 * who may see them, the gate standing aside where nothing is sensitive, and
 * the purge's cutoff. The gate in front of AbuseFilter's pages is tested
 * against the real AbuseFilter (tests/integration/test_sensitive.py).
 */
class SensitiveFiltersTest extends TestCase {

	private const EXTRA = 'an argument MediaWiki core does not document';
	private const NAMES = [ 'user_agent', 'user_ip', 'hcaptcha_risk_bucket' ];

	protected function setUp(): void {
		RequestContext::$main = new RequestContext( new FakeUser(), new FakeRequest() );
		LoggerFactory::$lines = [];
	}

	public function testTheEditorListsTheVariablesOnlyWhereTheyAreOffered() {
		$values = [ 'vars' => [ 'user_name' => 'user-name' ] ];
		( new SensitiveVariablesHandler( testHost(), true ) )->onAbuseFilter_builder( $values, self::EXTRA );
		$this->assertSame( [
			'user_name' => 'user-name',
			'user_agent' => 'captchaguard-user-agent',
			'user_ip' => 'captchaguard-user-ip',
			'hcaptcha_risk_bucket' => 'captchaguard-hcaptcha-risk-bucket',
		], $values['vars'] );

		$old = [ 'vars' => [] ];
		( new SensitiveVariablesHandler( testHost(), false ) )->onAbuseFilter_builder( $old );
		$this->assertSame( [ 'vars' => [] ], $old );

		$broken = [];
		( new SensitiveVariablesHandler( testHost(), true ) )->onAbuseFilter_builder( $broken );
		$this->assertSame( [], $broken );
		$this->assertStringContainsString( 'no variable list', implode( "\n", LoggerFactory::$lines ) );
	}

	public function testVariablesAreDeclaredLazilyAndNeverForTheCli() {
		$vars = new VariableHolder();
		( new SensitiveVariablesHandler( testHost(), true ) )
			->onAbuseFilter_generateUserVars( $vars, RequestContext::getMain()->getUser(), null, self::EXTRA );
		$this->assertSame( self::NAMES, array_keys( $vars->lazy ) );
		foreach ( $vars->lazy as $name => [ $method, $parameters ] ) {
			$this->assertSame( 'captchaguard-sensitive', $method );
			// phpunit runs from the CLI: no request of a person, so no values.
			$this->assertSame( [ 'variable' => $name, 'own_request' => false ], $parameters );
		}

		$none = new VariableHolder();
		( new SensitiveVariablesHandler( testHost(), false ) )->onAbuseFilter_generateUserVars( $none, new FakeUser(), null );
		$this->assertSame( [], $none->lazy );
	}

	public function testOtherVariablesAreLeftToAbuseFilter() {
		$result = 'untouched';
		$handler = new SensitiveVariablesHandler( testHost(), true );
		$this->assertTrue(
			$handler->onAbuseFilter_interceptVariable( 'diff', null, [], $result, self::EXTRA )
		);
		$this->assertSame( 'untouched', $result );
	}

	public function testTheRequestsOwnValues() {
		$handler = new SensitiveVariablesHandler( testHost(), true );
		$expected = [ 'user_agent' => 'TestAgent/1.0', 'user_ip' => '192.0.2.7', 'hcaptcha_risk_bucket' => -1.0 ];
		foreach ( $expected as $name => $value ) {
			$result = null;
			$this->assertFalse( $handler->onAbuseFilter_interceptVariable(
				'captchaguard-sensitive', null, [ 'variable' => $name, 'own_request' => true ], $result, self::EXTRA
			) );
			$this->assertSame( $value, $result, $name );
		}
	}

	public function testElsewhereTheValuesAreEmpty() {
		$handler = new SensitiveVariablesHandler( testHost(), true );
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
		$handler = new SensitiveVariablesHandler( testHost(), true );
		foreach ( [ [ 'variable' => 'user_unnamed_ip', 'own_request' => true ], 'not an array', [] ] as $parameters ) {
			$result = null;
			$this->assertFalse(
				$handler->onAbuseFilter_interceptVariable( 'captchaguard-sensitive', null, $parameters, $result )
			);
			$this->assertSame( '', $result );
		}
		$this->assertStringContainsString( "'user_unnamed_ip' is not a CaptchaGuard sensitive variable",
			implode( "\n", LoggerFactory::$lines ) );
	}

	public function testSeeingNeedsBothLevels() {
		$this->assertSame( self::NAMES, SensitiveVariables::names() );
		$cases = [
			[ [ 'captchaguard-sensitive-filters', 'abusefilter-access-protected-vars' ], true ],
			[ [ 'abusefilter-access-protected-vars' ], false ],
			[ [ 'captchaguard-sensitive-filters' ], false ],
		];
		foreach ( $cases as [ $rights, $maySee ] ) {
			RequestContext::$main = new RequestContext( new FakeUser( $rights ), new FakeRequest() );
			$this->assertSame( $maySee, SensitiveVariables::viewerMaySee(), implode( ',', $rights ) );
		}
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

	public function testRightsThatCannotBeReadHideTheValues() {
		$user = new FakeUser( [ 'captchaguard-sensitive-filters', 'abusefilter-access-protected-vars' ] );
		$user->failure = new RuntimeException( 'user store down' );
		RequestContext::$main = new RequestContext( $user, new FakeRequest() );
		$this->assertFalse( SensitiveVariables::viewerMaySee() );
		$this->assertStringContainsString( 'user store down', implode( "\n", LoggerFactory::$lines ) );
	}

	public function testTheGateStandsAsideWhereNothingIsSensitive() {
		$message = null;
		$old = new SensitiveFiltersHandler( testHost(), false );
		$this->assertTrue( $old->onSpecialPageBeforeExecute( null, null, self::EXTRA ) );
		$this->assertTrue( $old->onApiCheckCanExecute( null, null, $message, self::EXTRA ) );
		$this->assertNull( $old->onAPIQueryAfterExecute( null, self::EXTRA ) );
		$this->assertNull( $message );

		$gate = new SensitiveFiltersHandler( testHost(), true );
		$this->assertTrue( $gate->onSpecialPageBeforeExecute( new SpecialPage( 'Version' ), null, self::EXTRA ) );
		$this->assertTrue( $gate->onApiCheckCanExecute( new ApiBase( 'edit' ), null, $message, self::EXTRA ) );
		$this->assertNull( $message );
	}

	public function testAGateThatCannotTellRefuses() {
		$message = null;
		$gate = new SensitiveFiltersHandler( testHost(), true );
		// Not an API module: what it touches cannot be read, so it is refused.
		$this->assertFalse( $gate->onApiCheckCanExecute( 'not a module', null, $message ) );
		// It says the access could not be checked, and names no rights it cannot know are missing.
		$this->assertSame( [ 'captchaguard-sensitive-unavailable' ], $message );
		$this->assertStringContainsString( 'refused', implode( "\n", LoggerFactory::$lines ) );
	}

	public function testThePurgeCutoff() {
		$now = 200 * 86400;
		$this->assertSame( $now - 90 * 86400, SensitivePurge::cutoff( $now, 7776000 ) );
		$this->assertSame( $now - 86400, SensitivePurge::cutoff( $now, '86400' ) );
		foreach ( [ 3600, 'ninety days', null, -5 ] as $bad ) {
			LoggerFactory::$lines = [];
			$this->assertSame( $now - 90 * 86400, SensitivePurge::cutoff( $now, $bad ) );
			$this->assertStringContainsString( 'using 90 days', implode( "\n", LoggerFactory::$lines ) );
		}
		$this->assertSame( 100, SensitivePurge::batchSize() );
		$this->assertTrue( SensitivePurge::continues( 100 ) );
		$this->assertFalse( SensitivePurge::continues( 99 ) );
		$this->assertFalse( SensitivePurge::continues( -1 ) );
	}
}
