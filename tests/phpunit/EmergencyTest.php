<?php

use MediaWiki\Extension\CaptchaGuard\Emergency\EmergencyPolicy;
use MediaWiki\Extension\CaptchaGuard\Emergency\EmergencyStore;
use MediaWiki\Extension\CaptchaGuard\Hooks\EmergencyCaptchaHandler;
use PHPUnit\Framework\TestCase;

/**
 * The emergency switch's native classes: validation, and the hook answered
 * from process memory. Each test runs in its own PHP process.
 */
class EmergencyTest extends TestCase {

	private const WEEK = 604800;

	private function handler( int $refresh = 60 ): EmergencyCaptchaHandler {
		return new EmergencyCaptchaHandler( new FakeConfig( [ 'CaptchaGuardEmergencyRefresh' => $refresh ] ) );
	}

	private function ask( EmergencyCaptchaHandler $handler, string $action, bool $result = false ): bool {
		$handler->onConfirmEditTriggersCaptcha( $action, null, $result );
		return $result;
	}

	private function switchOn( string $actions, int $expiresIn = 3600 ): void {
		EmergencyStore::$row = [ 'active' => true, 'actions' => $actions, 'expiry' => time() + $expiresIn ];
	}

	protected function setUp(): void {
		RequestContext::$main = new RequestContext( new FakeUser(), new FakeRequest() );
	}

	public function testValidChangeIsNormalised() {
		$now = time();
		$change = EmergencyPolicy::validate( true, [ 'edit', 'addurl' ], true, $now + 60, ' botnet ', $now, self::WEEK );
		$this->assertSame(
			[ 'ok' => true, 'active' => true, 'actions' => 'edit,addurl', 'expiry' => $now + 60, 'reason' => 'botnet' ],
			$change
		);
		$default = EmergencyPolicy::validate( true, [], true, $now + 60, 'r', $now, self::WEEK );
		$this->assertSame( 'edit,create', $default['actions'] );
	}

	public static function provideBadChanges(): array {
		$now = 1800000000;
		return [
			'unknown action' => [ [ true, [ 'edit', 'move' ], true, $now + 60, 'r', $now ],
				'captchaguard-emergency-error-action', [ 'move' ] ],
			'no reason' => [ [ true, [ 'edit' ], true, $now + 60, '', $now ], 'captchaguard-emergency-error-reason', [] ],
			'no expiry' => [ [ true, [ 'edit' ], false, null, 'r', $now ],
				'captchaguard-emergency-error-expiry-missing', [] ],
			'unparseable' => [ [ true, [ 'edit' ], true, null, 'r', $now ], 'captchaguard-emergency-error-expiry', [] ],
			'past' => [ [ true, [ 'edit' ], true, $now - 5, 'r', $now ], 'captchaguard-emergency-error-expiry-past', [] ],
			'over the cap' => [ [ true, [ 'edit' ], true, PHP_INT_MAX, 'r', $now ],
				'captchaguard-emergency-error-expiry-cap', [ (string)self::WEEK ] ],
		];
	}

	/** @dataProvider provideBadChanges */
	public function testBadChangesNameTheirMessage( array $args, string $message, array $params ) {
		$answer = EmergencyPolicy::validate( ...[ ...$args, self::WEEK ] );
		$this->assertSame( [ 'ok' => false, 'message' => $message, 'params' => $params ], $answer );
	}

	public function testTriggersAreListed() {
		$this->assertSame( [ 'edit', 'create', 'addurl', 'createaccount' ], EmergencyPolicy::triggers() );
	}

	public function testNothingStoredMeansNoCaptcha() {
		$this->assertFalse( $this->ask( $this->handler(), 'edit' ) );
	}

	public function testCoveredActionsNeedACaptchaOthersDoNot() {
		$this->switchOn( 'edit,createaccount' );
		$handler = $this->handler();
		$this->assertTrue( $this->ask( $handler, 'edit' ) );
		$this->assertTrue( $this->ask( $handler, 'createaccount' ) );
		$this->assertFalse( $this->ask( $handler, 'create' ) );
		$this->assertFalse( $this->ask( $handler, 'badlogin' ) );
		$this->assertTrue( $this->ask( $handler, 'create', true ), 'never turns a true answer false' );
	}

	public function testExemptUsersAreLetThrough() {
		$this->switchOn( 'edit' );
		RequestContext::$main = new RequestContext( new FakeUser( [ 'captchaguard-exempt' ] ), new FakeRequest() );
		$this->assertFalse( $this->ask( $this->handler(), 'edit' ) );
	}

	public function testExpiredSwitchIsOff() {
		$this->switchOn( 'edit', -1 );
		$this->assertFalse( $this->ask( $this->handler(), 'edit' ) );
	}

	public function testSteadyStateReadsTheStoreOncePerRefresh() {
		$this->switchOn( 'edit' );
		$handler = $this->handler( 60 );
		for ( $i = 0; $i < 100; $i++ ) {
			$this->assertTrue( $this->ask( $handler, 'edit' ) );
		}
		$this->assertSame( 1, EmergencyStore::$loads );
		// A second handler in the same worker shares the process copy.
		$this->assertTrue( $this->ask( $this->handler( 60 ), 'edit' ) );
		$this->assertSame( 1, EmergencyStore::$loads );
		// A change made here is seen at once.
		EmergencyStore::$row = null;
		EmergencyPolicy::forgetCachedSwitch();
		$this->assertFalse( $this->ask( $handler, 'edit' ) );
		$this->assertSame( 2, EmergencyStore::$loads );
	}
}
