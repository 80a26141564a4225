<?php

use MediaWiki\Extension\CaptchaGuard\Adapter\Host;
use MediaWiki\Extension\CaptchaGuard\Hooks\EditFilterHandler;
use MediaWiki\Extension\CaptchaGuard\Hooks\EmergencyCaptchaHandler;
use MediaWiki\Extension\CaptchaGuard\RiskScore;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\User\UserNameUtils;
use PHPUnit\Framework\TestCase;

/**
 * The native handlers reach the wiki only through the Host they are built
 * with (HandlerFactory injects it): what the module logs, stashes and reads
 * goes to the host's own parts.
 */
class HostTest extends TestCase {

	protected function setUp(): void {
		RequestContext::$main = new RequestContext( new FakeUser(), new FakeRequest() );
	}

	private function host( FakeStash $stash, string $channel = 'Injected' ): Host {
		return new Host(
			new FakeConfig( [ 'SecretKey' => 'injected-secret', 'CaptchaGuardRiskScoreBuckets' => null ] ),
			LoggerFactory::getInstance( $channel ),
			$stash,
			new UserNameUtils(),
			new FakeSwitchSource()
		);
	}

	public function testAHandlerNeedsAHost() {
		$this->expectExceptionMessage( 'its host must be an MediaWiki\\Extension\\CaptchaGuard\\Adapter\\Host' );
		new EditFilterHandler( new stdClass() );
	}

	public function testTheModuleUsesTheInjectedHostsParts() {
		$stash = new FakeStash();
		new EditFilterHandler( $this->host( $stash ) );
		RiskScore::recordVerification( 'token', 'HTTP 500', '' );
		$this->assertNotEmpty( preg_grep( '/^Injected warning hCaptcha verification/', LoggerFactory::$lines ) );
		$this->assertEmpty( preg_grep( '/^CaptchaGuard /', LoggerFactory::$lines ), 'nothing went to a looked-up logger' );
		RequestContext::$main = new RequestContext( new FakeUser( [], false, 'Alice', 5 ), new FakeRequest() );
		RiskScore::recordVerification( 'token', null, '{"success":true,"score":0.4}' );
		$this->assertSame( [ 0.4 ], array_values( $stash->data ), "the score is in the injected stash" );
		$this->assertSame( 0.4, RiskScore::get( 'Alice' ) );
	}

	public function testTheLatestHandlersHostIsTheRequestsHost() {
		$first = new FakeStash();
		$second = new FakeStash();
		new EditFilterHandler( $this->host( $first, 'First' ) );
		new EmergencyCaptchaHandler( $this->host( $second, 'Second' ), 5, 'testwiki' );
		RiskScore::recordVerification( 'token', 'HTTP 500', '' );
		$this->assertNotEmpty( preg_grep( '/^Second warning/', LoggerFactory::$lines ) );
		$this->assertEmpty( preg_grep( '/^First /', LoggerFactory::$lines ) );
	}
}
