<?php

use MediaWiki\Extension\CaptchaGuard\Hooks\EditFilterHandler;
use MediaWiki\Extension\CaptchaGuard\Hooks\EmergencyCaptchaHandler;
use MediaWiki\Extension\CaptchaGuard\RiskScore;
use MediaWiki\Extension\CaptchaGuard\Value\StoredSwitch;
use PHPUnit\Framework\TestCase;

/**
 * The native handlers reach the wiki only through the Host they are built
 * with (HandlerFactory injects MediaWiki's): given a fake one, the module
 * reads, logs, stashes and keeps everything there, and asks MediaWiki for
 * nothing (the unit tests have no MediaWiki to ask).
 */
class HostTest extends TestCase {

	public function testAHandlerNeedsAHost() {
		$this->expectExceptionMessage( 'its host must implement MediaWiki\\Extension\\CaptchaGuard\\Adapter\\Host' );
		new EditFilterHandler( new stdClass() );
	}

	public function testTheEmergencyCheckAsksTheHost() {
		$host = new FakeHost();
		$host->switch = new StoredSwitch( active: true, actions: 'edit', expiry: time() + 3600 );
		$handler = new EmergencyCaptchaHandler( $host, 60, 'fakewiki' );
		$ask = static function ( string $action ) use ( $handler ): bool {
			$result = false;
			$handler->onConfirmEditTriggersCaptcha( $action, null, $result );
			return $result;
		};
		$this->assertTrue( $ask( 'edit' ) );
		$this->assertFalse( $ask( 'addurl' ) );
		$host->rights = [ 'captchaguard-exempt' ];
		$this->assertFalse( $ask( 'edit' ), "the host's performer is exempt" );
		$this->assertSame( 1, $host->switchReads, 'read once, then kept for the refresh interval' );
		$this->assertSame( [], $host->logs );
	}

	public function testTheRiskScoreIsKeptWithTheHost() {
		$host = new FakeHost();
		new EditFilterHandler( $host );
		$this->assertTrue( RiskScore::recordVerification( 'token', null, '{"success":true,"score":0.4}' ) );
		$this->assertSame( 0.4, $host->session['hCaptcha-score'] );
		$this->assertSame( 'Alice', $host->session['captchaguard-hcaptcha-score-owner'] );
		$this->assertSame( [ 'Alice' => 0.4 ], $host->stash );
		$this->assertSame( 0.4, RiskScore::get( 'Alice' ) );
		$host->session = [];
		$this->assertSame( 0.4, RiskScore::get( 'Alice' ), 'from the stash once the session is gone' );

		$this->assertFalse( RiskScore::recordVerification( 'other', 'HTTP 500', '' ) );
		$this->assertSame( [ 'warning' ], array_column( $host->logs, 0 ) );
		$this->assertStringContainsString( 'hCaptcha verification', $host->logs[0][1] );
		$this->assertSame( [], $host->stash, 'a failed verification forgets the score' );
	}

	public function testTheLatestHandlersHostIsTheRequestsHost() {
		$first = new FakeHost();
		$second = new FakeHost();
		new EditFilterHandler( $first );
		new EditFilterHandler( $second );
		RiskScore::recordVerification( 'token', 'HTTP 500', '' );
		$this->assertCount( 1, $second->logs );
		$this->assertSame( [], $first->logs );
	}
}
