<?php

use MediaWiki\Extension\CaptchaGuard\Hooks\RiskScoreEventsHandler;
use MediaWiki\Extension\CaptchaGuard\RiskScore;
use MediaWiki\Title\Title;
use MediaWiki\User\User;

require_once __DIR__ . '/RequestTestCase.php';

/**
 * The events of saved edits and sign-ups with the risk score bucketed, in the
 * real wiki: written to $wgCaptchaGuardEventLogFile (the path to
 * EventLogging is tested against a wiki with it, tests/integration/test_risk_score.py).
 *
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
class RiskScoreEventsTest extends RequestTestCase {

	private string $eventFile;

	protected function setUp(): void {
		parent::setUp();
		$this->eventFile = tempnam( sys_get_temp_dir(), 'cg-events' );
		$GLOBALS['wgCaptchaGuardEventLogFile'] = $this->eventFile;
		$GLOBALS['wgCaptchaGuardEventStreams'] = [ 'edit' => 'test.edit', 'accountcreation' => 'test.account' ];
		$GLOBALS['wgCaptchaGuardEventSchemas'] = [ 'edit' => '/test/edit/1.0.0', 'accountcreation' => '/test/account/1.0.0' ];
		// A handler built with the host installs it for the request.
		new RiskScoreEventsHandler( $this->host );
		// The wiki's stash outlives a request: no score of another test's.
		$this->host->unstashScore( 'Alice' );
	}

	protected function tearDown(): void {
		if ( is_file( $this->eventFile ) ) {
			unlink( $this->eventFile );
		}
		$this->host->failures = [];
		$this->host->unstashScore( 'Alice' );
		parent::tearDown();
	}

	private function events(): array {
		return array_map(
			static fn ( $line ) => json_decode( $line, true ),
			file( $this->eventFile, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES )
		);
	}

	private function saveEdit( ?User $user = null ): void {
		[ $page, $revision ] = $this->savedEdit( 'Main Page', 345 );
		( new RiskScoreEventsHandler( $this->host ) )->onPageSaveComplete(
			$page, $user ?? RequestContext::getMain()->getUser(), '', 0, $revision, null
		);
	}

	private function errors(): array {
		return $this->host->logged( 'error' );
	}

	public function testEditEventCarriesTheBucketOnly() {
		RiskScore::recordVerification( 'token', null, '{"success":true,"score":0.73}' );
		$this->saveEdit();
		$pageId = Title::makeTitle( NS_MAIN, 'Main Page' )->getArticleID();
		$this->assertGreaterThan( 0, $pageId );
		$this->assertSame( [ [
			'$schema' => '/test/edit/1.0.0',
			'$stream' => 'test.edit',
			'dt' => $this->events()[0]['dt'],
			'performerId' => 0,
			'revisionId' => 345,
			'pageId' => $pageId,
			'hCaptchaScore' => 0.7,
		] ], $this->events() );
		$this->assertStringNotContainsString( '0.73', file_get_contents( $this->eventFile ) );
		$this->assertStringNotContainsString( self::IP, file_get_contents( $this->eventFile ) );
	}

	public function testClientDataOnlyWhenAllowed() {
		$GLOBALS['wgCaptchaGuardEventsIncludeClientData'] = true;
		$this->saveEdit();
		$event = $this->events()[0];
		$this->assertSame(
			[ self::IP, self::USER_AGENT, -1.0 ],
			[ $event['ip'], $event['userAgent'], $event['hCaptchaScore'] ]
		);
	}

	public function testWithNowhereToSendEventsNoEventIsBuilt() {
		$GLOBALS['wgCaptchaGuardEventLogFile'] = false;
		// Building the event would read the stash, which throws here.
		$this->host->failures['stashedScore'] = new RuntimeException( 'stash asked' );
		$this->saveEdit();
		$this->assertSame( [], $this->errors() );
		$this->assertSame( [], $this->events() );
	}

	public function testAccountCreationEvent() {
		RiskScore::recordVerification( 'token', null, '{"success":true,"score":0.41}' );
		$newcomer = $this->user( 'Alice' );
		( new RiskScoreEventsHandler( $this->host ) )->onLocalUserCreated( $newcomer, false );
		$event = $this->events()[0];
		$this->assertSame( 'test.account', $event['$stream'] );
		$this->assertSame( [ $newcomer->getId(), 'Alice', true, 0.4 ], [
			$event['userId'], $event['userName'], $event['isSelfMade'], $event['hCaptchaScore'],
		] );
		$this->assertArrayNotHasKey( 'revisionId', $event );
		$this->assertArrayNotHasKey( 'ip', $event );
		$this->assertSame( 0.41, RiskScore::get( 'Alice' ), 'kept for the new name too' );
		( new RiskScoreEventsHandler( $this->host ) )->onLocalUserCreated( $this->user( 'Skipper' ), true );
		$this->assertCount( 1, $this->events(), 'no event for auto-created accounts' );
	}

	public function testASessionScoreIsNotAnotherUsersAfterLogin() {
		RiskScore::recordVerification( 'token', null, '{"success":true,"score":0.73}' );
		// The same session, now logged in as someone else.
		RequestContext::getMain()->setUser( $this->user( 'Alice' ) );
		$this->assertNull( RiskScore::get( 'Alice' ) );
		$this->saveEdit();
		$this->assertSame( -1.0, $this->events()[0]['hCaptchaScore'] );
	}

	public static function provideFailures(): array {
		return [
			'the stash throws' => [ 'stash' ],
			'the event file cannot be written' => [ 'file' ],
		];
	}

	/**
	 * An edit is saved before PageSaveComplete runs: nothing of a failing
	 * event may reach it.
	 * @dataProvider provideFailures
	 */
	public function testAFailingEventNeverAffectsTheSavedEdit( string $failing ) {
		if ( $failing === 'stash' ) {
			$this->host->failures['stashedScore'] = new RuntimeException( 'stash down' );
		} else {
			$GLOBALS['wgCaptchaGuardEventLogFile'] = '/nonexistent/dir/events.log';
		}
		$this->saveEdit();
		$errors = $this->errors();
		$this->assertCount( 1, $errors );
		[ , $message, $context ] = $errors[0];
		$this->assertSame( 'Could not send the {event} event: {error}', $message );
		$this->assertSame( 'edit', $context['event'] );
		if ( $failing === 'stash' ) {
			$this->assertSame( 'stash down', $context['exception']->getMessage() );
		}
	}

	public function testAScoreThatCannotBeStoredStillPassesTheCaptcha() {
		$this->host->failures['stashScore'] = new RuntimeException( 'stash down' );
		$this->assertTrue( RiskScore::recordVerification( 'token', null, '{"success":true,"score":0.2}' ) );
		$this->assertNotEmpty( $this->loggedLine( '/Could not store the hCaptcha risk score: .*stash down/' ) );
		$this->assertEmpty( $this->loggedLine( '/0\.2/' ), 'no score in the log' );
	}
}
