<?php

use MediaWiki\Extension\CaptchaGuard\Adapter\MediaWikiHost;
use MediaWiki\Extension\CaptchaGuard\CaptchaGuardServices;
use MediaWiki\Extension\CaptchaGuard\Hooks\RiskScoreEventsHandler;
use MediaWiki\Extension\CaptchaGuard\RiskScore;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\MediaWikiServices;

require_once __DIR__ . '/RequestTestCase.php';
require_once __DIR__ . '/RecordingStash.php';

/**
 * Where the wiki's host keeps a risk score: MediaWikiHost over the real
 * request, session and user names, with an object stash that records.
 *
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
class MediaWikiHostTest extends RequestTestCase {

	private RecordingStash $stash;
	private MediaWikiHost $wikiHost;

	protected function setUp(): void {
		parent::setUp();
		$services = MediaWikiServices::getInstance();
		$this->stash = new RecordingStash();
		$this->wikiHost = new MediaWikiHost(
			$services->getMainConfig(),
			LoggerFactory::getInstance( 'CaptchaGuard' ),
			$this->stash,
			$services->getUserNameUtils(),
			static fn () => CaptchaGuardServices::getEmergencyStore( $services ),
			static fn () => CaptchaGuardServices::getOutcomeStore( $services ),
			$services->getHookContainer(),
			static fn () => CaptchaGuardServices::getMetrics( $services )
		);
		// Installs it as this request's host.
		new RiskScoreEventsHandler( $this->wikiHost );
	}

	/** The documented key: an HMAC, under $wgSecretKey, of the session (anonymous users) or the name. */
	private function stashKey( string $owner ): string {
		return $this->stash->makeKey( 'captchaguard-hcaptcha-score',
			hash_hmac( 'sha256', $owner, $GLOBALS['wgSecretKey'] ) );
	}

	public function testAValidScoreIsKeptInSessionAndStash() {
		$this->session()->persist();
		$this->assertTrue( RiskScore::recordVerification( 'token', null, '{"success":true,"score":0.73}' ) );
		$this->assertSame( 0.73, $this->session()->get( 'hCaptcha-score' ) );
		$key = $this->stashKey( 'session:' . $this->session()->getId() );
		$this->assertSame( 0.73, $this->stash->get( $key ) );
		$this->assertSame( 300, $this->stash->ttls[$key] );
		$this->assertStringNotContainsString( self::IP, $key, 'no IP address in the key' );
		$this->assertStringNotContainsString( hash( 'sha256', self::IP ), $key, 'no reversible hash of it either' );
	}

	public function testARegisteredUsersScoreIsKeptUnderTheirName() {
		$this->request( [], 'Alice' );
		$this->wikiHost->stashScore( 'Alice', 0.4, 300 );
		$this->assertSame( 0.4, $this->stash->get( $this->stashKey( 'user:Alice' ) ) );
		$this->assertSame( 0.4, $this->wikiHost->stashedScore( 'Alice' ) );
		$this->wikiHost->unstashScore( 'Alice' );
		$this->assertFalse( $this->wikiHost->stashedScore( 'Alice' ) );
	}

	public function testAnAnonymousSessionNobodyKeptHasNothingStashed() {
		$this->assertFalse( $this->session()->isPersistent() );
		$this->stash->set( $this->stashKey( 'session:' . $this->session()->getId() ), 0.73 );
		// A stash that throws shows it is not even asked.
		$this->stash->failure = new RuntimeException( 'stash asked' );
		$this->assertNull( RiskScore::get( self::IP ) );
		$this->assertSame( [], $this->stash->gets );
		$this->stash->failure = null;
		$this->session()->persist();
		$this->assertSame( 0.73, RiskScore::get( self::IP ) );
	}

	public function testTwoSessionsBehindOneAddressKeepTheirOwnScores() {
		$this->session()->persist();
		$this->wikiHost->stashScore( self::IP, 0.2, 300 );
		$first = $this->session();
		$this->request();
		$this->session()->persist();
		$this->assertNotSame( $first->getId(), $this->session()->getId() );
		$this->assertFalse( $this->wikiHost->stashedScore( self::IP ), 'the same address, not the same person' );
		$this->wikiHost->stashScore( self::IP, 0.9, 300 );
		$this->assertSame( 0.9, $this->wikiHost->stashedScore( self::IP ) );
		$this->request( [], null, $first );
		$this->assertSame( 0.2, $this->wikiHost->stashedScore( self::IP ) );
	}

	public function testThePerformerIsTheRequestsUser() {
		$this->request( [], 'Skipper' );
		$performer = $this->wikiHost->performer();
		$this->assertSame( [ 'Skipper', true, true, false, false ], [
			$performer->name, $performer->registered, $performer->skipsCaptcha, $performer->exempt, $performer->bot,
		] );
		$this->request( [], 'Exempt' );
		$this->assertTrue( $this->wikiHost->isExempt() );
		$this->assertTrue( $this->wikiHost->isRequester( $this->user( 'Exempt' ) ) );
		$this->assertFalse( $this->wikiHost->isRequester( $this->user( 'Alice' ) ) );
	}
}
