<?php

use MediaWiki\Extension\AbuseFilter\Variables\LazyLoadedVariable;
use MediaWiki\Extension\AbuseFilter\Variables\VariableHolder;
use MediaWiki\Extension\CaptchaGuard\Hooks\SensitiveFiltersHandler;
use MediaWiki\Extension\CaptchaGuard\Hooks\SensitiveVariablesHandler;
use MediaWiki\Extension\CaptchaGuard\SensitiveVariables;
use MediaWiki\MediaWikiServices;

require_once __DIR__ . '/RequestTestCase.php';

/**
 * The CheckUser-level filters' hooks with AbuseFilter's own variable holder,
 * the wiki's users and groups (wiki.sh: Checker is a sysop and a checkuser,
 * Checkonly a checkuser, Editor a filter editor with AbuseFilter's protected
 * level) and MediaWiki's special pages and API modules.
 *
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
class SensitiveHooksTest extends RequestTestCase {

	private const EXTRA = 'an argument MediaWiki core does not document';
	private const NAMES = [ 'user_agent', 'user_ip', 'hcaptcha_risk_bucket' ];

	/** @return LazyLoadedVariable[] By name: the variables declared lazily */
	private static function lazy( VariableHolder $vars ): array {
		return array_filter( $vars->getVars(), static fn ( $var ) => $var instanceof LazyLoadedVariable );
	}

	public function testVariablesAreDeclaredLazilyAndNeverForTheCli() {
		$vars = new VariableHolder();
		( new SensitiveVariablesHandler( $this->host, true ) )
			->onAbuseFilter_generateUserVars( $vars, RequestContext::getMain()->getUser(), null, self::EXTRA );
		$declared = self::lazy( $vars );
		$this->assertSame( self::NAMES, array_keys( $declared ) );
		foreach ( $declared as $name => $variable ) {
			$this->assertSame( 'captchaguard-sensitive', $variable->getMethod() );
			// phpunit runs from the CLI: no request of a person, so no values.
			$this->assertSame( [ 'variable' => $name, 'own_request' => false ], $variable->getParameters() );
		}

		$none = new VariableHolder();
		( new SensitiveVariablesHandler( $this->host, false ) )
			->onAbuseFilter_generateUserVars( $none, RequestContext::getMain()->getUser(), null );
		$this->assertSame( [], self::lazy( $none ) );
	}

	public static function provideViewers(): array {
		return [
			'both levels' => [ 'Checker', true ],
			'AbuseFilter\'s protected level only' => [ 'Editor', false ],
			'the CheckUser level only' => [ 'Checkonly', false ],
			'neither' => [ 'Alice', false ],
		];
	}

	/** @dataProvider provideViewers */
	public function testSeeingNeedsBothLevels( string $viewer, bool $maySee ) {
		$this->request( [], $viewer );
		new SensitiveVariablesHandler( $this->host, true );
		$this->assertSame( $maySee, SensitiveVariables::viewerMaySee() );
	}

	public function testRightsThatCannotBeReadHideTheValues() {
		MediaWikiServices::getInstance()->getHookContainer()->register( 'UserGetRights', static function () {
			throw new RuntimeException( 'user store down' );
		} );
		$this->request( [], 'Checker' );
		new SensitiveVariablesHandler( $this->host, true );
		$this->assertFalse( SensitiveVariables::viewerMaySee() );
		$this->assertStringContainsString( 'user store down', implode( "\n", $this->host->logLines() ) );
	}

	public function testTheGateLetsWhatIsNotSensitiveThrough() {
		$gate = new SensitiveFiltersHandler( $this->host, true );
		$version = MediaWikiServices::getInstance()->getSpecialPageFactory()->getPage( 'Version' );
		$this->assertTrue( $gate->onSpecialPageBeforeExecute( $version, null, self::EXTRA ) );
		$main = new ApiMain( RequestContext::getMain() );
		$message = null;
		$this->assertTrue( $gate->onApiCheckCanExecute(
			$main->getModuleManager()->getModule( 'edit' ), RequestContext::getMain()->getUser(), $message, self::EXTRA
		) );
		$this->assertNull( $message );
		$this->assertSame( [], $this->host->logs );
	}
}
