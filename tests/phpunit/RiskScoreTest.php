<?php

use MediaWiki\Extension\CaptchaGuard\Hooks\RiskScoreEventsHandler;
use MediaWiki\Extension\CaptchaGuard\RiskScore;
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
		@unlink( $this->eventFile );
	}

	private function configure( array $overrides ): void {
		MediaWikiServices::$instance = new MediaWikiServices( new FakeConfig( $overrides + [
			'CaptchaGuardRiskScoreBuckets' => null,
			'CaptchaGuardEventStreams' => [ 'edit' => 'test.edit', 'accountcreation' => 'test.account' ],
			'CaptchaGuardEventLogFile' => $this->eventFile,
			'CaptchaGuardEventsIncludeClientData' => false,
		] ), $this->stash );
	}

	private function stashKey( string $name ): string {
		return 'captchaguard-hcaptcha-score:' . hash( 'sha256', $name );
	}

	private function events(): array {
		return array_map(
			static fn ( $line ) => json_decode( $line, true ),
			file( $this->eventFile, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES )
		);
	}

	public function testAValidScoreIsKeptInSessionAndStash() {
		$this->assertTrue( RiskScore::recordVerification( null, '{"success":true,"score":0.73}' ) );
		$this->assertSame( 0.73, $this->session->get( 'hCaptcha-score' ) );
		$key = $this->stashKey( '192.0.2.7' );
		$this->assertSame( 0.73, $this->stash->data[$key] );
		$this->assertSame( 300, $this->stash->ttl[$key] );
		$this->assertStringNotContainsString( '192.0.2.7', $key, 'no IP address in the key' );
	}

	public function testSessionFirstThenStash() {
		RiskScore::recordVerification( null, '{"success":true,"score":0.73}' );
		$this->assertSame( 0.73, RiskScore::get( '192.0.2.7' ) );
		$this->session->remove( 'hCaptcha-score' );
		$this->assertSame( 0.73, RiskScore::get( '192.0.2.7' ), 'from the stash once the session is gone' );
		$this->assertNull( RiskScore::get( 'Someone else' ) );
		$this->assertSame( 0.7, RiskScore::bucketed( '192.0.2.7' ) );
		$this->assertSame( -1.0, RiskScore::bucketed( 'Someone else' ) );
	}

	public function testAFailedOrScorelessVerificationForgetsTheOldScore() {
		RiskScore::recordVerification( null, '{"success":true,"score":0.2}' );
		$this->assertFalse( RiskScore::recordVerification( 'HTTP 500', '' ) );
		$this->assertNull( RiskScore::get( '192.0.2.7' ) );
		$this->assertTrue( RiskScore::recordVerification( null, '{"success":true,"score":"high"}' ) );
		$this->assertNull( RiskScore::get( '192.0.2.7' ) );
		$logged = preg_grep( '/hCaptcha verification/', LoggerFactory::$lines );
		$this->assertCount( 2, $logged );
		$this->assertEmpty( preg_grep( '/0\.2|high/', LoggerFactory::$lines ), 'no score in the log' );
	}

	public function testConfiguredBuckets() {
		$this->configure( [ 'CaptchaGuardRiskScoreBuckets' => [ 0, 0.5, 0.9 ] ] );
		RiskScore::recordVerification( null, '{"success":true,"score":0.73}' );
		$this->assertSame( 0.5, RiskScore::bucketed( '192.0.2.7' ) );
		$this->configure( [ 'CaptchaGuardRiskScoreBuckets' => [ 0.5, 2 ] ] );
		$this->assertSame( 0.7, RiskScore::bucketed( '192.0.2.7' ), 'invalid edges fall back to tenths' );
		$this->assertNotEmpty( preg_grep( '/RiskScoreBuckets/', LoggerFactory::$lines ) );
	}

	private function saveEdit( FakeUser $user ): void {
		$page = new class {
			public function getId() {
				return 12;
			}
		};
		$revision = new class {
			public function getId() {
				return 345;
			}
		};
		( new RiskScoreEventsHandler() )->onPageSaveComplete( $page, $user, '', 0, $revision, null );
	}

	public function testEditEventCarriesTheBucketOnly() {
		RiskScore::recordVerification( null, '{"success":true,"score":0.73}' );
		$this->saveEdit( new FakeUser() );
		$this->assertSame( [ [
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
		$this->assertSame( [ '192.0.2.7', 'TestAgent/1.0', -1.0 ], [ $event['ip'], $event['userAgent'], $event['hCaptchaScore'] ] );
	}

	public function testAccountCreationEvent() {
		RiskScore::recordVerification( null, '{"success":true,"score":0.41}' );
		( new RiskScoreEventsHandler() )->onLocalUserCreated( new FakeUser( [], false, 'Newcomer', 99 ), false );
		$event = $this->events()[0];
		$this->assertSame( 'test.account', $event['$stream'] );
		$this->assertSame( [ 99, 'Newcomer', true, 0.4 ], [
			$event['userId'], $event['userName'], $event['isSelfMade'], $event['hCaptchaScore'],
		] );
		$this->assertArrayNotHasKey( 'revisionId', $event );
		$this->assertArrayNotHasKey( 'ip', $event );
		$this->assertSame( 0.41, RiskScore::get( 'Newcomer' ), 'kept for the new name too' );
		( new RiskScoreEventsHandler() )->onLocalUserCreated( new FakeUser( [], false, 'Auto', 100 ), true );
		$this->assertCount( 1, $this->events(), 'no event for auto-created accounts' );
	}
}
