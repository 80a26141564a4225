<?php

use MediaWiki\Extension\AbuseFilter\Consequences\Parameters;
use MediaWiki\Extension\CaptchaGuard\AbuseFilter\CaptchaConsequence;
use MediaWiki\Extension\AbuseFilter\Consequences\Consequence\HookAborterConsequence;
use MediaWiki\Extension\CaptchaGuard\Hooks\EditFilterHandler;
use MediaWiki\Extension\CaptchaGuard\Hooks\EmergencyCaptchaHandler;
use MediaWiki\Extension\ConfirmEdit\Hooks as ConfirmEditHooks;
use MediaWiki\Logger\LoggerFactory;
use PHPUnit\Framework\TestCase;

/**
 * The consequence and the edit hook, in both orders AbuseFilter and
 * CaptchaGuard's hook can run in. Each test runs in its own PHP process, as
 * each web request starts with fresh module state.
 */
class CaptchaConsequenceTest extends TestCase {

	private function context( array $rights = [], array $request = [] ): RequestContext {
		return RequestContext::$main = new RequestContext( new FakeUser( $rights ), new FakeRequest( $request ) );
	}

	private function runEdit( string $action, bool $hookFirst, ?Parameters $params = null ): array {
		$status = new FakeStatus();
		$handler = new EditFilterHandler( testHost() );
		$hookResults = [];
		if ( $hookFirst ) {
			$hookResults[] = $handler->onEditFilterMergedContent( null, null, $status, '', null, false );
		}
		$taken = ( new CaptchaConsequence( $params ?? new Parameters(), $action ) )->execute();
		if ( !$hookFirst ) {
			$hookResults[] = $handler->onEditFilterMergedContent( null, null, $status, '', null, false );
		}
		return [ $taken, $status, $hookResults ];
	}

	public static function provideOrders(): array {
		return [ 'our hook first' => [ true ], 'AbuseFilter first' => [ false ] ];
	}

	/** @dataProvider provideOrders */
	public function testAnonymousEditIsStoppedWithACaptcha( bool $hookFirst ) {
		$this->context();
		[ $taken, $status, $hookResults ] = $this->runEdit( 'showcaptcha', $hookFirst );
		$this->assertTrue( $taken, 'AbuseLog records the action' );
		$this->assertSame( [ 'captchaguard-flagged' ], $status->errors );
		$this->assertSame( EditPage::AS_HOOK_ERROR_EXPECTED, $status->value );
		$this->assertSame( 'question', $status->statusData['captcha']['type'] );
		$this->assertSame( $hookFirst ? [ true ] : [ false ], $hookResults );
	}

	public function testWrongAnswerSaysIncorrect() {
		$this->context( [], [ 'captchaid' => 'id1', 'captchaword' => 'nope' ] );
		[ $taken, $status ] = $this->runEdit( 'showcaptcha', false );
		$this->assertTrue( $taken );
		$this->assertSame( [ 'captchaguard-wrong-answer' ], $status->errors );
		$this->assertSame( [ 'nope' ], ConfirmEditHooks::getInstance()->checked );
	}

	public function testRightAnswerLetsTheEditThroughAndIsNotLogged() {
		$this->context( [], [ 'wpCaptchaId' => 'id1', 'wpCaptchaWord' => 'guard' ] );
		[ $taken, $status, $hookResults ] = $this->runEdit( 'forcecaptcha', false );
		$this->assertFalse( $taken );
		$this->assertSame( [], $status->errors );
		$this->assertSame( [ true ], $hookResults );
	}

	public static function provideNotChallenged(): array {
		return [
			'skipcaptcha, showcaptcha' => [ [ 'skipcaptcha' ], 'showcaptcha' ],
			'exempt, showcaptcha' => [ [ 'captchaguard-exempt' ], 'showcaptcha' ],
			'exempt, forcecaptcha' => [ [ 'captchaguard-exempt' ], 'forcecaptcha' ],
			'bot, forcecaptcha' => [ [ 'bot', 'skipcaptcha' ], 'forcecaptcha' ],
		];
	}

	/** @dataProvider provideNotChallenged */
	public function testUsersWhoAreNotChallenged( array $rights, string $action ) {
		$this->context( $rights );
		[ $taken, $status ] = $this->runEdit( $action, true );
		$this->assertFalse( $taken );
		$this->assertSame( [], $status->errors );
		$this->assertNull( $status->statusData );
	}

	public function testSystemUserIsNotChallenged() {
		RequestContext::$main = new RequestContext( new FakeUser( [], true ), new FakeRequest() );
		[ $taken ] = $this->runEdit( 'forcecaptcha', true );
		$this->assertFalse( $taken );
	}

	public function testForceCaptchaChallengesSkipCaptchaUsers() {
		$this->context( [ 'skipcaptcha' ] );
		[ $taken, $status ] = $this->runEdit( 'forcecaptcha', true );
		$this->assertTrue( $taken );
		$this->assertSame( [ 'captchaguard-flagged' ], $status->errors );
	}

	public function testDisabledActionDoesNothing() {
		$this->context();
		MediaWiki\MediaWikiServices::$instance = new MediaWiki\MediaWikiServices(
			new FakeConfig( [ 'CaptchaGuardAbuseFilterActions' => [ 'forcecaptcha' ] ] ), new FakeStash()
		);
		[ $taken, $status ] = $this->runEdit( 'showcaptcha', true );
		$this->assertFalse( $taken );
		$this->assertSame( [], $status->errors );
	}

	public function testUncoveredActionIsLoggedOnceAndDoesNothing() {
		$this->context();
		$move = new Parameters( 9, 'move' );
		$this->assertFalse( ( new CaptchaConsequence( $move, 'showcaptcha' ) )->execute() );
		$this->assertFalse( ( new CaptchaConsequence( $move, 'showcaptcha' ) )->execute() );
		$warnings = preg_grep( "/Filter 9 has showcaptcha.*'move'/", LoggerFactory::$lines );
		$this->assertCount( 1, $warnings );
	}

	public function testPendingCaptchaKeepsTheWarningFromRepeating() {
		$context = $this->context();
		$this->runEdit( 'showcaptcha', true, new Parameters( 3, 'edit', 'Page' ) );
		$warnKey = 'abusefilter-warned-' . md5( '0:Page' ) . '-3-edit';
		$session = $context->getRequest()->getSession();
		$pending = json_decode( $session->get( 'captchaguard-pending-warn-keys' ), true );
		$this->assertSame( [ $warnKey ], array_column( $pending, 'key' ) );
		$this->assertEqualsWithDelta( time(), $pending[0]['set_at'], 5 );
		// AbuseFilter's warn has since cleared its key; the next save must pass it.
		$session->set( $warnKey, false );
		$handler = new MediaWiki\Extension\CaptchaGuard\Hooks\AbuseFilterHandler( testHost(), [ 'showcaptcha' ] );
		$skip = [];
		$handler->onAbuseFilterShouldFilterAction( null, null, null, $skip );
		$this->assertTrue( $session->get( $warnKey ) );
	}

	/** @dataProvider provideOrders */
	public function testUnreadableFilterStillDemandsTheCaptcha( bool $hookFirst ) {
		$this->context();
		$params = new Parameters();
		$params->throwOnFilter = true;
		[ $taken, $status ] = $this->runEdit( 'showcaptcha', $hookFirst, $params );
		$this->assertTrue( $taken );
		$this->assertSame( [ 'captchaguard-flagged' ], $status->errors );
		$this->assertNotEmpty(
			preg_grep( '/CaptchaGuard error Could not read the matching filter of showcaptcha/', LoggerFactory::$lines )
		);
	}

	/** @dataProvider provideOrders */
	public function testAThrowingSessionStillDemandsTheCaptchaAndIsLoggedWithContext( bool $hookFirst ) {
		$context = $this->context();
		$context->getRequest()->getSession()->failure = new RuntimeException( 'session store down' );
		[ $taken, $status ] = $this->runEdit( 'showcaptcha', $hookFirst );
		$this->assertTrue( $taken, 'the exception did not escape the consequence' );
		$this->assertSame( [ 'captchaguard-flagged' ], $status->errors );
		[ [ $channel, $level, $message, $logContext ] ] = array_values( array_filter(
			LoggerFactory::$records, static fn ( $r ) => $r[1] === 'error'
		) );
		$this->assertSame( [ 'CaptchaGuard', 'error' ], [ $channel, $level ] );
		$this->assertStringContainsString( '{filter}', $message, 'placeholders, not an interpolated string' );
		$this->assertSame( '7', $logContext['filter'] );
		$this->assertInstanceOf( RuntimeException::class, $logContext['exception'] );
		$this->assertSame( 'session store down', $logContext['exception']->getMessage() );
	}

	public function testAThrowingStatusStillStopsTheEdit() {
		$this->context();
		$status = new FakeStatus();
		$status->failure = new RuntimeException( 'status broken' );
		( new CaptchaConsequence( new Parameters(), 'showcaptcha' ) )->execute();
		$stopped = ( new EditFilterHandler( testHost() ) )
			->onEditFilterMergedContent( null, null, $status, '', null, false );
		$this->assertFalse( $stopped, 'the edit is stopped although its Status could not be written' );
		$this->assertNotEmpty(
			preg_grep( '/Could not show the CAPTCHA demanded by filter 7.*status broken/', LoggerFactory::$lines )
		);
	}

	public static function provideThrowingDependencies(): array {
		return [
			'ConfirmEdit' => [ 'confirmedit' ],
			'the configuration' => [ 'config' ],
			'the user\'s rights' => [ 'rights' ],
		];
	}

	/**
	 * Whatever MediaWiki dependency throws while a filter asks for a CAPTCHA,
	 * the edit is stopped with one and the failure is logged with its context.
	 * @dataProvider provideThrowingDependencies
	 */
	public function testAThrowingDependencyStillStopsTheEdit( string $failing ) {
		$context = $this->context( [], [ 'captchaid' => 'id1', 'captchaword' => 'guard' ] );
		$failure = new RuntimeException( "$failing unavailable" );
		if ( $failing === 'confirmedit' ) {
			ConfirmEditHooks::getInstance()->failure = $failure;
		} elseif ( $failing === 'config' ) {
			MediaWiki\MediaWikiServices::getInstance()->config->failure = $failure;
		} else {
			$context->user->failure = $failure;
		}
		[ $taken, $status, $hookResults ] = $this->runEdit( 'showcaptcha', false );
		$this->assertTrue( $taken );
		$this->assertSame( [ false ], $hookResults, 'the edit is stopped' );
		$this->assertSame( [ 'captchaguard-flagged' ], $status->errors );
		// Without configuration the refused edit's event cannot be sent either: its own error.
		$logged = array_values( array_filter( LoggerFactory::$records, static fn ( $r ) => $r[1] === 'error'
			&& !str_starts_with( $r[2], 'Could not send the {event} event' ) ) );
		$this->assertCount( 1, $logged );
		$this->assertSame( $failure, $logged[0][3]['exception'] );
	}

	public function testAThrowingOutputIsLoggedAndTheFormStillRenders() {
		$this->context();
		( new EditFilterHandler( testHost() ) )
			->onEditFilterMergedContent( null, null, new FakeStatus(), '', null, false );
		( new CaptchaConsequence( new Parameters(), 'showcaptcha' ) )->execute();
		$out = new FakeOutput();
		$out->failure = new RuntimeException( 'output closed' );
		( new MediaWiki\Extension\CaptchaGuard\Hooks\EditFormHandler( testHost() ) )
			->onEditPage__showEditForm_fields( null, $out );
		$this->assertNotEmpty(
			preg_grep( '/Could not add the CAPTCHA to the edit form: .*output closed/', LoggerFactory::$lines )
		);
	}

	public function testAPendingWarningLapsesWithItsCaptcha() {
		$context = $this->context();
		$warnKey = 'abusefilter-warned-' . md5( '0:Page' ) . '-3-edit';
		$session = $context->getRequest()->getSession();
		// Set longer ago than a CAPTCHA lives ($wgCaptchaSessionExpiration, 1800 s by default).
		$session->set( 'captchaguard-pending-warn-keys',
			json_encode( [ [ 'key' => $warnKey, 'set_at' => time() - 1801 ] ] ) );
		$session->set( $warnKey, false );
		$skip = [];
		( new MediaWiki\Extension\CaptchaGuard\Hooks\AbuseFilterHandler( testHost(), [ 'showcaptcha' ] ) )
			->onAbuseFilterShouldFilterAction( null, null, null, $skip );
		$this->assertFalse( $session->get( $warnKey ), 'the filter warns again' );
	}

	public function testPendingWarningsAreBounded() {
		$context = $this->context();
		for ( $page = 0; $page < 20; $page++ ) {
			$this->runEdit( 'showcaptcha', true, new Parameters( 3, 'edit', "Page $page" ) );
		}
		$pending = json_decode( $context->getRequest()->getSession()->get( 'captchaguard-pending-warn-keys' ), true );
		$this->assertCount( 8, $pending );
	}

	private function signUpNeedsCaptcha(): bool {
		$result = false;
		( new EmergencyCaptchaHandler( testHost(), 5, 'testwiki' ) )
			->onConfirmEditTriggersCaptcha( 'createaccount', null, $result );
		return $result;
	}

	public function testASignUpIsStoppedUntilItsCaptchaIsAnswered() {
		$context = $this->context();
		$signUp = new Parameters( 5, 'createaccount', 'UserLogin' );
		$consequence = CaptchaConsequence::newShowCaptcha( $signUp );
		// No edit Status to stop: AbuseFilter fails the sign-up with this message.
		$this->assertInstanceOf( HookAborterConsequence::class, $consequence );
		$this->assertSame( [ 'captchaguard-createaccount-flagged' ], $consequence->getMessage() );
		$this->assertNotInstanceOf( HookAborterConsequence::class, CaptchaConsequence::newShowCaptcha( new Parameters() ) );

		$this->assertFalse( $this->signUpNeedsCaptcha() );
		$this->assertTrue( $consequence->execute() );
		$until = $context->getRequest()->getSession()->get( 'captchaguard-createaccount-captcha-until' );
		$this->assertGreaterThan( time(), $until );
		$this->assertTrue( $this->signUpNeedsCaptcha(), 'ConfirmEdit must show its CAPTCHA' );

		$context->getRequest()->setVal( 'captchaWord', 'wrong' );
		$this->assertTrue( CaptchaConsequence::newShowCaptcha( $signUp )->execute() );
		$this->assertTrue( $this->signUpNeedsCaptcha() );

		$context->getRequest()->setVal( 'captchaWord', 'guard' );
		$this->assertFalse( CaptchaConsequence::newShowCaptcha( $signUp )->execute() );
		$this->assertNull( $context->getRequest()->getSession()->get( 'captchaguard-createaccount-captcha-until' ) );
		$this->assertFalse( $this->signUpNeedsCaptcha(), 'answered: not asked again' );
	}
}
