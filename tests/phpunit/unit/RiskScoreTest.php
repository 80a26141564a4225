<?php

use MediaWiki\Extension\CaptchaGuard\Hooks\RiskScoreEventsHandler;
use MediaWiki\Extension\CaptchaGuard\RiskScore;
use MediaWiki\Extension\EventLogging\EventLogging;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\MediaWikiServices;
use PHPUnit\Framework\TestCase;

/**
 * The module's risk score storage, its read API and the events, with
 * stand-ins for the session, the object stash and the configuration.
 */
class RiskScoreTest extends TestCase {

	private FakeSession $session;
	private FakeStash $stash;
	private string $eventFile;

	protected function setUp(): void {
		$this->session = new FakeSession();
		$this->stash = new FakeStash();
		$this->eventFile = tempnam( sys_get_temp_dir(), 'cg-events' );
		RequestContext::$main = new RequestContext( new FakeUser(), new FakeRequest( [], $this->session ) );
		$this->configure( [] );
	}

	protected function tearDown(): void {
		if ( is_file( $this->eventFile ) ) {
			unlink( $this->eventFile );
		}
	}

	private function configure( array $overrides ): void {
		MediaWikiServices::$instance = new MediaWikiServices( new FakeConfig( $overrides + [
			'CaptchaGuardRiskScoreBuckets' => null,
			'CaptchaGuardEventStreams' => [ 'edit' => 'test.edit', 'accountcreation' => 'test.account' ],
			'CaptchaGuardEventSchemas' => [ 'edit' => '/test/edit/1.0.0', 'accountcreation' => '/test/account/1.0.0' ],
			'CaptchaGuardEventLogFile' => $this->eventFile,
			'CaptchaGuardEventsIncludeClientData' => false,
			'SecretKey' => 'test-secret',
		] ), $this->stash );
		// The module keeps the request's host: a handler built with the new
		// one installs it, as the next request's handlers would.
		new RiskScoreEventsHandler( testHost() );
	}

	/** The documented key: an HMAC of the session (anonymous users) or the name. */
	private function stashKey( string $name ): string {
		$owner = filter_var( $name, FILTER_VALIDATE_IP ) ? 'session:' . $this->session->getId() : "user:$name";
		return 'captchaguard-hcaptcha-score:' . hash_hmac( 'sha256', $owner, 'test-secret' );
	}

	private function events(): array {
		return array_map(
			static fn ( $line ) => json_decode( $line, true ),
			file( $this->eventFile, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES )
		);
	}

	public function testAValidScoreIsKeptInSessionAndStash() {
		$this->assertTrue( RiskScore::recordVerification( 'token', null, '{"success":true,"score":0.73}' ) );
		$this->assertSame( 0.73, $this->session->get( 'hCaptcha-score' ) );
		$key = $this->stashKey( '192.0.2.7' );
		$this->assertSame( 0.73, $this->stash->data[$key] );
		$this->assertSame( 300, $this->stash->ttl[$key] );
		$this->assertStringNotContainsString( '192.0.2.7', $key, 'no IP address in the key' );
		$this->assertStringNotContainsString( hash( 'sha256', '192.0.2.7' ), $key, 'no reversible hash of it either' );
	}

	public function testSessionFirstThenStash() {
		RiskScore::recordVerification( 'token', null, '{"success":true,"score":0.73}' );
		$this->assertSame( 0.73, RiskScore::get( '192.0.2.7' ) );
		$this->assertNull( RiskScore::get( 'Someone else' ), 'the session holds only its own user\'s score' );
		$this->assertSame( -1.0, RiskScore::bucketed( 'Someone else' ) );
		$this->session->remove( 'hCaptcha-score' );
		$this->assertSame( 0.73, RiskScore::get( '192.0.2.7' ), 'from the stash once the session is gone' );
		$this->assertNull( RiskScore::get( 'Someone else' ) );
		$this->assertSame( 0.7, RiskScore::bucketed( '192.0.2.7' ) );
		$this->assertSame( -1.0, RiskScore::bucketed( 'Someone else' ) );
	}

	public function testAnAnonymousSessionNobodyKeptHasNothingStashed() {
		$this->stash->data[$this->stashKey( '192.0.2.7' )] = 0.73;
		$this->session->persistent = false;
		// A stash that throws shows it is not even asked.
		$this->stash->failure = new RuntimeException( 'stash asked' );
		$this->assertNull( RiskScore::get( '192.0.2.7' ) );
		$this->assertSame( [], LoggerFactory::$records );
		$this->session->persistent = true;
		$this->stash->failure = null;
		$this->assertSame( 0.73, RiskScore::get( '192.0.2.7' ) );
	}

	public function testWithNowhereToSendEventsNoEventIsBuilt() {
		$this->configure( [ 'CaptchaGuardEventLogFile' => false ] );
		// Building the event would read the stash, which throws here.
		$this->stash->failure = new RuntimeException( 'stash asked' );
		$this->saveEdit( new FakeUser() );
		$this->assertSame( [], array_filter( LoggerFactory::$records, static fn ( $r ) => $r[1] === 'error' ) );
		$this->assertSame( [], $this->events() );
	}

	public function testAFailedOrScorelessVerificationForgetsTheOldScore() {
		RiskScore::recordVerification( 'token', null, '{"success":true,"score":0.2}' );
		$this->assertFalse( RiskScore::recordVerification( 'token', 'HTTP 500', '' ) );
		$this->assertNull( RiskScore::get( '192.0.2.7' ) );
		$this->assertTrue( RiskScore::recordVerification( 'token', null, '{"success":true,"score":"high"}' ) );
		$this->assertNull( RiskScore::get( '192.0.2.7' ) );
		$logged = preg_grep( '/hCaptcha verification/', LoggerFactory::$lines );
		$this->assertCount( 2, $logged );
		$this->assertEmpty( preg_grep( '/0\.2|high/', LoggerFactory::$lines ), 'no score in the log' );
	}

	public function testConfiguredBuckets() {
		$this->configure( [ 'CaptchaGuardRiskScoreBuckets' => [ 0, 0.5, 0.9 ] ] );
		RiskScore::recordVerification( 'token', null, '{"success":true,"score":0.73}' );
		$this->assertSame( 0.5, RiskScore::bucketed( '192.0.2.7' ) );
		$this->configure( [ 'CaptchaGuardRiskScoreBuckets' => [ 0.5, 2 ] ] );
		$this->assertSame( 0.7, RiskScore::bucketed( '192.0.2.7' ), 'invalid edges fall back to tenths' );
		$this->assertNotEmpty( preg_grep( '/RiskScoreBuckets/', LoggerFactory::$lines ) );
	}

	private function saveEdit( FakeUser $user ): void {
		( new RiskScoreEventsHandler( testHost() ) )->onPageSaveComplete(
			new WikiPage( 12 ), $user, '', 0, new MediaWiki\Revision\RevisionRecord( 345 ), null
		);
	}

	public function testEditEventCarriesTheBucketOnly() {
		RiskScore::recordVerification( 'token', null, '{"success":true,"score":0.73}' );
		$this->saveEdit( new FakeUser() );
		$this->assertSame( [ [
			'$schema' => '/test/edit/1.0.0',
			'$stream' => 'test.edit',
			'dt' => $this->events()[0]['dt'],
			'performerId' => 0,
			'revisionId' => 345,
			'pageId' => 12,
			'hCaptchaScore' => 0.7,
		] ], $this->events() );
		$this->assertStringNotContainsString( '0.73', file_get_contents( $this->eventFile ) );
	}

	public function testClientDataOnlyWhenAllowed() {
		$this->configure( [ 'CaptchaGuardEventsIncludeClientData' => true ] );
		$this->saveEdit( new FakeUser() );
		$event = $this->events()[0];
		$this->assertSame(
			[ '192.0.2.7', 'TestAgent/1.0', -1.0 ],
			[ $event['ip'], $event['userAgent'], $event['hCaptchaScore'] ]
		);
	}

	public function testAccountCreationEvent() {
		RiskScore::recordVerification( 'token', null, '{"success":true,"score":0.41}' );
		( new RiskScoreEventsHandler( testHost() ) )->onLocalUserCreated( new FakeUser( [], false, 'Newcomer', 99 ), false );
		$event = $this->events()[0];
		$this->assertSame( 'test.account', $event['$stream'] );
		$this->assertSame( [ 99, 'Newcomer', true, 0.4 ], [
			$event['userId'], $event['userName'], $event['isSelfMade'], $event['hCaptchaScore'],
		] );
		$this->assertArrayNotHasKey( 'revisionId', $event );
		$this->assertArrayNotHasKey( 'ip', $event );
		$this->assertSame( 0.41, RiskScore::get( 'Newcomer' ), 'kept for the new name too' );
		( new RiskScoreEventsHandler( testHost() ) )->onLocalUserCreated( new FakeUser( [], false, 'Auto', 100 ), true );
		$this->assertCount( 1, $this->events(), 'no event for auto-created accounts' );
	}

	public function testASessionScoreIsNotAnotherUsersAfterLogin() {
		RiskScore::recordVerification( 'token', null, '{"success":true,"score":0.73}' );
		// The same session, now logged in as someone else.
		RequestContext::$main->user = new FakeUser( [], false, 'Mallory', 5 );
		$this->assertNull( RiskScore::get( 'Mallory' ) );
		$this->saveEdit( RequestContext::$main->user );
		$this->assertSame( -1.0, $this->events()[0]['hCaptchaScore'] );
	}

	public function testEventsGoToEventLoggingWithTheirSchema() {
		ExtensionRegistry::$loaded = [ 'EventLogging' ];
		RiskScore::recordVerification( 'token', null, '{"success":true,"score":0.73}' );
		$this->saveEdit( new FakeUser() );
		$this->assertCount( 1, EventLogging::$sent, 'accepted, not dropped for a missing $schema' );
		$event = EventLogging::$sent[0];
		$this->assertSame( '/test/edit/1.0.0', $event['$schema'] );
		$this->assertSame( 'test.edit', $event['meta']['stream'] );
		$this->assertSame( [ 345, 12, 0.7 ], [ $event['revisionId'], $event['pageId'], $event['hCaptchaScore'] ] );
		$this->assertArrayNotHasKey( '$stream', $event );
		$this->assertMatchesRegularExpression( '/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/', $event['dt'] );
		$this->assertSame( '', file_get_contents( $this->eventFile ), 'not written to the file as well' );
		$this->assertEmpty( preg_grep( '/EventLogging warning/', LoggerFactory::$lines ) );
	}

	public static function provideFailures(): array {
		return [
			'EventLogging throws' => [ 'eventlogging' ],
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
		if ( $failing === 'eventlogging' ) {
			ExtensionRegistry::$loaded = [ 'EventLogging' ];
			EventLogging::$failure = new RuntimeException( 'EventGate unreachable' );
		} elseif ( $failing === 'stash' ) {
			$this->stash->failure = new RuntimeException( 'stash down' );
		} else {
			$this->configure( [ 'CaptchaGuardEventLogFile' => '/nonexistent/dir/events.log' ] );
		}
		$this->saveEdit( new FakeUser() );
		$errors = array_values( array_filter( LoggerFactory::$records, static fn ( $r ) => $r[1] === 'error' ) );
		$this->assertCount( 1, $errors );
		[ , , $message, $context ] = $errors[0];
		$this->assertSame( 'Could not send the {event} event: {error}', $message );
		$this->assertSame( 'edit', $context['event'] );
		if ( $failing !== 'file' ) {
			$this->assertInstanceOf( RuntimeException::class, $context['exception'] );
		}
	}

	public function testAScoreThatCannotBeStoredStillPassesTheCaptcha() {
		$this->stash->failure = new RuntimeException( 'stash down' );
		$this->assertTrue( RiskScore::recordVerification( 'token', null, '{"success":true,"score":0.2}' ) );
		$this->assertNotEmpty(
			preg_grep( '/Could not store the hCaptcha risk score: .*stash down/', LoggerFactory::$lines )
		);
		$this->assertEmpty( preg_grep( '/0\.2/', LoggerFactory::$lines ), 'no score in the log' );
	}

	public function testATokenIsVerifiedOncePerRequest() {
		$this->assertNull( RiskScore::verifiedInRequest( 'tok-1' ) );
		$this->assertTrue( RiskScore::recordVerification( 'tok-1', null, '{"success":true,"score":0.2}' ) );
		$this->assertTrue( RiskScore::verifiedInRequest( 'tok-1' ) );
		$this->assertNull( RiskScore::verifiedInRequest( 'tok-2' ) );
		$this->assertFalse( RiskScore::recordVerification( 'tok-2', null, '{"success":false}' ) );
		$this->assertFalse( RiskScore::verifiedInRequest( 'tok-2' ) );
	}

	public static function provideBadBodies(): array {
		return [
			'not UTF-8 (a proxy\'s error page)' => [ "<html>Proxy \xe9rror \xff</html>" ],
			'success with error-codes' => [ '{"success":true,"score":0.1,"error-codes":["already-seen-response"]}' ],
			'too large' => [ '{"success":true,"pad":"' . str_repeat( 'x', 20000 ) . '"}' ],
		];
	}

	/** @dataProvider provideBadBodies */
	public function testBadBodiesFailWithOneWarningAndNoScore( string $body ) {
		RiskScore::recordVerification( 'old', null, '{"success":true,"score":0.2}' );
		$this->assertFalse( RiskScore::recordVerification( 'tok', null, $body ) );
		$this->assertNull( RiskScore::get( '192.0.2.7' ) );
		$this->assertCount( 1, preg_grep( '/hCaptcha verification/', LoggerFactory::$lines ) );
	}

	/**
	 * Two people behind one IP address (a NAT, a proxy): each keeps their
	 * own score, and one's failed attempt does not delete the other's.
	 */
	public function testAnonymousUsersBehindOneAddressKeepTheirOwnScores() {
		RiskScore::recordVerification( 'human', null, '{"success":true,"score":0.1}' );
		$humanKey = $this->stashKey( '192.0.2.7' );
		// Another session, same address: a bot whose verification fails.
		$this->session = new FakeSession();
		RequestContext::$main = new RequestContext( new FakeUser(), new FakeRequest( [], $this->session ) );
		$this->assertNull( RiskScore::get( '192.0.2.7' ), 'the bot does not inherit the human\'s score' );
		RiskScore::recordVerification( 'bot', null, '{"success":false}' );
		$this->assertNotSame( $humanKey, $this->stashKey( '192.0.2.7' ) );
		$this->assertSame( 0.1, $this->stash->data[$humanKey], 'the human\'s score is still there' );
	}
}
