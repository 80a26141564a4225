<?php

use MediaWiki\Extension\CaptchaGuard\Hooks\AbuseFilterHandler;
use MediaWiki\Extension\CaptchaGuard\Hooks\ApiHandler;
use MediaWiki\Extension\CaptchaGuard\Hooks\EditFilterHandler;
use MediaWiki\Extension\CaptchaGuard\Hooks\EditFormHandler;
use MediaWiki\Extension\CaptchaGuard\Hooks\EmergencyCaptchaHandler;
use MediaWiki\Extension\CaptchaGuard\Hooks\PageDisplayHandler;
use MediaWiki\Extension\CaptchaGuard\Hooks\RiskScoreEventsHandler;
use PHPUnit\Framework\TestCase;

/**
 * Other extensions call hooks with more arguments than core documents
 * (Wikibase passes a slot role to EditFilterMergedContent): every native hook
 * method accepts and ignores them, as a PHP handler would.
 */
class HookArgumentsTest extends TestCase {

	private const EXTRA = 'an argument MediaWiki core does not document';

	protected function setUp(): void {
		RequestContext::$main = new RequestContext( new FakeUser(), new FakeRequest() );
	}

	public function testAbuseFilterHooks() {
		$handler = new AbuseFilterHandler( testHost(), [ 'showcaptcha' ] );
		$actions = [];
		$handler->onAbuseFilterCustomActions( $actions, self::EXTRA );
		$this->assertSame( [ 'showcaptcha' ], array_keys( $actions ) );
		$skip = [];
		$this->assertNull( $handler->onAbuseFilterShouldFilterAction( null, null, null, $skip, self::EXTRA ) );
	}

	public function testEditFilterMergedContent() {
		$status = new FakeStatus();
		$this->assertTrue(
			( new EditFilterHandler( testHost() ) )
				->onEditFilterMergedContent( null, null, $status, '', null, false, 'main', self::EXTRA )
		);
	}

	public function testEditFormFields() {
		$out = new FakeOutput();
		( new EditFormHandler( testHost() ) )->onEditPage__showEditForm_fields( null, $out, self::EXTRA );
		$this->assertSame( '', $out->html );
	}

	public function testApiAfterExecute() {
		// No edit went through the edit filter in this request: nothing to mark.
		$this->assertNull( ( new ApiHandler( testHost() ) )->onAPIAfterExecute( null, self::EXTRA ) );
	}

	public function testBeforePageDisplay() {
		$out = new FakeOutput();
		// The stand-in is not an OutputPage: the adapter refuses it, which is logged, not thrown.
		$this->assertNull( ( new PageDisplayHandler( testHost(), 0 ) )
			->onBeforePageDisplay( $out, null, self::EXTRA ) );
		$this->assertSame( '', $out->html );
	}

	public function testConfirmEditTriggersCaptcha() {
		$result = false;
		( new EmergencyCaptchaHandler( testHost(), 5, 'testwiki' ) )
			->onConfirmEditTriggersCaptcha( 'edit', null, $result, self::EXTRA );
		$this->assertFalse( $result );
		// The per-call hot path takes a bounded number of extra arguments (see the method).
		( new EmergencyCaptchaHandler( testHost(), 5, 'testwiki' ) )
			->onConfirmEditTriggersCaptcha( 'edit', null, $result, 1, 2, 3 );
		$this->assertFalse( $result );
	}

	public function testRiskScoreEventHooks() {
		$file = tempnam( sys_get_temp_dir(), 'cg-events' );
		MediaWiki\MediaWikiServices::$instance = new MediaWiki\MediaWikiServices( new FakeConfig( [
			'CaptchaGuardRiskScoreBuckets' => null,
			'CaptchaGuardEventStreams' => [],
			'CaptchaGuardEventSchemas' => [],
			'CaptchaGuardEventLogFile' => $file,
			'CaptchaGuardEventsIncludeClientData' => false,
			'SecretKey' => 'test-secret',
		] ), new FakeStash() );
		$handler = new RiskScoreEventsHandler( testHost() );
		$handler->onPageSaveComplete(
			new WikiPage( 3 ), new FakeUser(), '', 0, new MediaWiki\Revision\RevisionRecord( 4 ), null, self::EXTRA
		);
		$handler->onLocalUserCreated( new FakeUser( [], false, 'New', 9 ), false, self::EXTRA );
		$events = array_map( 'json_decode', file( $file ) );
		unlink( $file );
		$this->assertSame( [ 4, 9 ], [ $events[0]->revisionId, $events[1]->userId ] );
		$this->assertSame( '/analytics/mediawiki/captchaguard/edit/1.0.0', $events[0]->{'$schema'} );
	}

	/**
	 * The stubs are generated from the module; what other PHP code calls is
	 * typed there (hook methods receive MediaWiki's objects as they come).
	 */
	public function testTheModulesOwnApiIsTyped() {
		$typed = [
			[ MediaWiki\Extension\CaptchaGuard\RiskScore::class, 'get', [ 'string' ], '?float' ],
			[ MediaWiki\Extension\CaptchaGuard\RiskScore::class, 'bucketed', [ 'string' ], 'float' ],
			[
				MediaWiki\Extension\CaptchaGuard\RiskScore::class, 'recordVerification',
				[ 'string', '?string', 'string' ], 'bool'
			],
			[ MediaWiki\Extension\CaptchaGuard\RiskScore::class, 'verifiedInRequest', [ 'string' ], '?bool' ],
			[
				MediaWiki\Extension\CaptchaGuard\AbuseFilter\ConsequenceRunner::class, 'execute',
				[ MediaWiki\Extension\CaptchaGuard\Value\FilterHit::class, 'string' ], 'bool'
			],
			[
				MediaWiki\Extension\CaptchaGuard\Emergency\EmergencyPolicy::class, 'state',
				[ '?' . MediaWiki\Extension\CaptchaGuard\Value\StoredSwitch::class ],
				MediaWiki\Extension\CaptchaGuard\Value\SwitchState::class
			],
		];
		foreach ( $typed as [ $class, $method, $params, $return ] ) {
			$reflection = new ReflectionMethod( $class, $method );
			$this->assertSame(
				$params,
				array_map( static fn ( $p ) => (string)$p->getType(), $reflection->getParameters() ),
				"$class::$method"
			);
			$this->assertSame( $return, (string)$reflection->getReturnType(), "$class::$method" );
		}
	}
}
