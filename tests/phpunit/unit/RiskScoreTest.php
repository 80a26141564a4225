<?php

use MediaWiki\Extension\CaptchaGuard\Hooks\RiskScoreEventsHandler;
use MediaWiki\Extension\CaptchaGuard\RiskScore;
use PHPUnit\Framework\TestCase;

/**
 * The module's risk score storage and its read API, kept with a FakeHost.
 * Where MediaWikiHost keeps it (the stash key, sessions nobody kept) and the
 * events of saved edits and sign-ups are tested in the real wiki
 * (tests/phpunit/integration/MediaWikiHostTest.php, RiskScoreEventsTest.php).
 */
class RiskScoreTest extends TestCase {

	private FakeHost $host;

	protected function setUp(): void {
		$this->host = FakeHost::anonymous();
		// A handler built with the host installs it for the request.
		new RiskScoreEventsHandler( $this->host );
	}

	private function logged( string $pattern ): array {
		return preg_grep( $pattern, $this->host->logLines() );
	}

	public function testAValidScoreIsKeptInSessionAndStash() {
		$this->assertTrue( RiskScore::recordVerification( 'token', null, '{"success":true,"score":0.73}' ) );
		$this->assertSame( 0.73, $this->host->session['hCaptcha-score'] );
		$this->assertSame( $this->host->name, $this->host->session['captchaguard-hcaptcha-score-owner'] );
		$this->assertSame( [ $this->host->name => 0.73 ], $this->host->stash );
		$this->assertSame( [ $this->host->name => 300 ], $this->host->stashTtl );
	}

	public function testSessionFirstThenStash() {
		$me = $this->host->name;
		RiskScore::recordVerification( 'token', null, '{"success":true,"score":0.73}' );
		$this->assertSame( 0.73, RiskScore::get( $me ) );
		$this->assertNull( RiskScore::get( 'Someone else' ), 'the session holds only its own user\'s score' );
		$this->assertSame( -1.0, RiskScore::bucketed( 'Someone else' ) );
		$this->host->session = [];
		$this->assertSame( 0.73, RiskScore::get( $me ), 'from the stash once the session is gone' );
		$this->assertNull( RiskScore::get( 'Someone else' ) );
		$this->assertSame( 0.7, RiskScore::bucketed( $me ) );
		$this->assertSame( -1.0, RiskScore::bucketed( 'Someone else' ) );
	}

	public function testAFailedOrScorelessVerificationForgetsTheOldScore() {
		RiskScore::recordVerification( 'token', null, '{"success":true,"score":0.2}' );
		$this->assertFalse( RiskScore::recordVerification( 'token', 'HTTP 500', '' ) );
		$this->assertNull( RiskScore::get( $this->host->name ) );
		$this->assertSame( [], $this->host->stash );
		$this->assertTrue( RiskScore::recordVerification( 'token', null, '{"success":true,"score":"high"}' ) );
		$this->assertNull( RiskScore::get( $this->host->name ) );
		$this->assertCount( 2, $this->logged( '/hCaptcha verification/' ) );
		$this->assertEmpty( $this->logged( '/0\.2|high/' ), 'no score in the log' );
	}

	public function testConfiguredBuckets() {
		$this->host->config['CaptchaGuardRiskScoreBuckets'] = [ 0, 0.5, 0.9 ];
		RiskScore::recordVerification( 'token', null, '{"success":true,"score":0.73}' );
		$this->assertSame( 0.5, RiskScore::bucketed( $this->host->name ) );
		$this->host->config['CaptchaGuardRiskScoreBuckets'] = [ 0.5, 2 ];
		$this->assertSame( 0.7, RiskScore::bucketed( $this->host->name ), 'invalid edges fall back to tenths' );
		$this->assertNotEmpty( $this->logged( '/RiskScoreBuckets/' ) );
	}

	public function testASessionScoreIsNotAnotherUsersAfterLogin() {
		RiskScore::recordVerification( 'token', null, '{"success":true,"score":0.73}' );
		// The same session, now logged in as someone else.
		$this->host->name = 'Mallory';
		$this->host->id = 5;
		$this->assertNull( RiskScore::get( 'Mallory' ) );
		$this->assertSame( -1.0, RiskScore::bucketed( 'Mallory' ) );
	}

	public function testAScoreThatCannotBeStoredStillPassesTheCaptcha() {
		$this->host->failures['stashScore'] = new RuntimeException( 'stash down' );
		$this->assertTrue( RiskScore::recordVerification( 'token', null, '{"success":true,"score":0.2}' ) );
		$this->assertNotEmpty( $this->logged( '/Could not store the hCaptcha risk score: .*stash down/' ) );
		$this->assertEmpty( $this->logged( '/0\.2/' ), 'no score in the log' );
	}

	public function testAStashThatCannotBeReadIsNoScore() {
		$this->host->failures['stashedScore'] = new RuntimeException( 'stash down' );
		$this->assertNull( RiskScore::get( 'Someone else' ) );
		$this->assertSame( -1.0, RiskScore::bucketed( 'Someone else' ) );
		$this->assertNotEmpty( $this->logged( '/stash down/' ) );
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
		$this->assertNull( RiskScore::get( $this->host->name ) );
		$this->assertCount( 1, $this->logged( '/hCaptcha verification/' ) );
		$this->assertSame( [ 'warning' ], array_column( $this->host->logs, 0 ) );
	}
}
