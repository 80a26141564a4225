<?php

use MediaWiki\Extension\CaptchaGuard\Emergency\EmergencyPolicy;
use MediaWiki\Extension\CaptchaGuard\Hooks\EmergencyCaptchaHandler;
use MediaWiki\Extension\CaptchaGuard\Value\AcceptedChange;
use MediaWiki\Extension\CaptchaGuard\Value\StoredSwitch;
use MediaWiki\Extension\CaptchaGuard\Value\SwitchChange;
use MediaWiki\Extension\CaptchaGuard\Value\SwitchRefusal;
use MediaWiki\Extension\CaptchaGuard\Value\SwitchState;
use PHPUnit\Framework\TestCase;

/**
 * The emergency switch's native classes: validation, the state PHP shows, and
 * the hook answered from process memory. Each test runs in its own PHP process.
 */
class EmergencyTest extends TestCase {

	private const WEEK = 604800;

	private FakeHost $host;

	private function handler( int $refresh = 60, string $wiki = 'testwiki' ): EmergencyCaptchaHandler {
		return new EmergencyCaptchaHandler( $this->host, $refresh, $wiki );
	}

	private function ask( EmergencyCaptchaHandler $handler, string $action, bool $result = false ): bool {
		$handler->onConfirmEditTriggersCaptcha( $action, null, $result );
		return $result;
	}

	private function switchOn( string $actions, int $expiresIn = 3600 ): void {
		$this->host->switch = new StoredSwitch( active: true, actions: $actions, expiry: time() + $expiresIn );
	}

	/**
	 * EmergencyPolicy::validate() as the switcher calls it, for a wiki of a
	 * two-wiki farm, its typed answer read back as an array.
	 */
	private static function validate(
		bool $on, array $actions, bool $expiryGiven, ?int $expiry, string $reason,
		array $wikis = [], bool $global = false
	): array {
		$answer = EmergencyPolicy::validate( new SwitchChange(
			on: $on, actions: $actions, expiryGiven: $expiryGiven, expiry: $expiry,
			reason: $reason, maxSeconds: self::WEEK, wikis: $wikis,
			currentWiki: 'farm1', knownWikis: [ 'farm1', 'farm2' ], maySwitchOthers: $global
		) );
		if ( is_array( $answer ) ) {
			self::assertNotEmpty( $answer );
			return [ 'ok' => false, 'refusals' => array_map( static function ( SwitchRefusal $refusal ) {
				return [ 'message' => $refusal->message, 'params' => $refusal->params,
					'code' => $refusal->code, 'durationParam' => $refusal->durationParam ];
			}, $answer ) ];
		}
		self::assertInstanceOf( AcceptedChange::class, $answer );
		return [ 'ok' => true, 'active' => $answer->active, 'actions' => $answer->actions,
			'storedActions' => $answer->storedActions, 'expiry' => $answer->expiry,
			'reason' => $answer->reason, 'wikis' => $answer->wikis ];
	}

	private static function stateOf( ?StoredSwitch $stored ): array {
		$state = EmergencyPolicy::state( $stored );
		self::assertInstanceOf( SwitchState::class, $state );
		return [ 'active' => $state->active, 'actions' => $state->actions, 'expiry' => $state->expiry ];
	}

	protected function setUp(): void {
		$this->host = new FakeHost();
	}

	public function testValidChangeIsNormalised() {
		$now = time();
		$change = self::validate( true, [ 'addurl', 'edit' ], true, $now + 60, ' botnet ' );
		$this->assertSame( [
			'ok' => true, 'active' => true, 'actions' => [ 'edit', 'addurl' ], 'storedActions' => 'edit,addurl',
			'expiry' => $now + 60, 'reason' => 'botnet', 'wikis' => [ 'farm1' ],
		], $change );
		$default = self::validate( true, [], true, $now + 60, 'r' );
		$this->assertSame( [ 'edit', 'create' ], $default['actions'] );
	}

	public static function provideBadChanges(): array {
		return [
			'unknown action' => [ [ true, [ 'edit', 'move' ], true, 60, 'r' ],
				'captchaguard-emergency-error-action', [ 'move' ] ],
			'no reason' => [ [ true, [ 'edit' ], true, 60, '' ], 'captchaguard-emergency-error-reason', [] ],
			'no expiry' => [ [ true, [ 'edit' ], false, null, 'r' ],
				'captchaguard-emergency-error-expiry-missing', [] ],
			'unparseable' => [ [ true, [ 'edit' ], true, null, 'r' ], 'captchaguard-emergency-error-expiry', [] ],
			'past' => [ [ true, [ 'edit' ], true, -5, 'r' ], 'captchaguard-emergency-error-expiry-past', [] ],
			'over the cap' => [ [ true, [ 'edit' ], true, self::WEEK + 60, 'r' ],
				'captchaguard-emergency-error-expiry-cap', [ (string)self::WEEK ] ],
		];
	}

	/** @dataProvider provideBadChanges */
	public function testBadChangesNameTheirMessage( array $args, string $message, array $params ) {
		// Expiries relative to now: the module reads its own clock.
		if ( $args[3] !== null ) {
			$args[3] += time();
		}
		$answer = self::validate( ...$args );
		$this->assertSame( self::refusal( $message, $params ), $answer );
	}

	/**
	 * A refusal as the module answers it: for each problem, the message, its
	 * parameters, the API code named after the message, and whether the
	 * parameter is a duration.
	 *
	 * @param string $message
	 * @param array $params
	 * @param array ...$more Further [ message, params ] pairs
	 * @return array
	 */
	private static function refusal( string $message, array $params, array ...$more ): array {
		$refusals = [];
		foreach ( [ [ $message, $params ], ...$more ] as [ $key, $keyParams ] ) {
			$suffix = substr( $key, strlen( 'captchaguard-emergency-error-' ) );
			$refusals[] = [ 'message' => $key, 'params' => $keyParams,
				'code' => "emergencycaptcha-$suffix", 'durationParam' => $suffix === 'expiry-cap' ];
		}
		return [ 'ok' => false, 'refusals' => $refusals ];
	}

	public function testEveryProblemIsRefusedAtOnce() {
		$this->assertSame(
			self::refusal( 'captchaguard-emergency-error-reason', [],
				[ 'captchaguard-emergency-error-action', [ 'teleport' ] ],
				[ 'captchaguard-emergency-error-expiry-cap', [ (string)self::WEEK ] ],
				[ 'captchaguard-emergency-error-wiki', [ 'farm3' ] ] ),
			self::validate( true, [ 'edit', 'teleport' ], true, PHP_INT_MAX, ' ', [ 'farm3' ], true )
		);
	}

	public function testOtherWikisNeedTheGlobalRightAndMustBeKnown() {
		$in = time() + 60;
		$this->assertSame( self::refusal( 'captchaguard-emergency-error-global-right', [] ),
			self::validate( true, [], true, $in, 'r', [ 'farm2' ] ) );
		$this->assertSame( self::refusal( 'captchaguard-emergency-error-global-right', [] ),
			self::validate( true, [], true, $in, 'r', [ '*' ] ) );
		$this->assertSame(
			[ 'farm1', 'farm2' ],
			self::validate( true, [], true, $in, 'r', [ 'farm1', 'farm2' ], true )['wikis']
		);
		$this->assertSame( self::refusal( 'captchaguard-emergency-error-wiki', [ 'farm3' ] ),
			self::validate( true, [], true, $in, 'r', [ 'farm3' ], true ) );
	}

	public function testStateIsAskedOfTheModule() {
		$now = time();
		$on = self::stateOf(
			new StoredSwitch( active: true, actions: 'createaccount,edit,teleport', expiry: $now + 60 )
		);
		$this->assertSame(
			[ 'active' => true, 'actions' => [ 'edit', 'createaccount' ], 'expiry' => $now + 60 ],
			$on
		);
		$expired = self::stateOf( new StoredSwitch( active: true, actions: 'edit', expiry: $now - 1 ) );
		$this->assertSame( [ 'active' => false, 'actions' => [], 'expiry' => null ], $expired );
		$this->assertFalse( EmergencyPolicy::state( null )->active );
		$this->assertSame( [ 'edit', 'addurl' ], EmergencyPolicy::parseActions( 'addurl,bogus,edit' ) );
	}

	public function testTriggersAreListed() {
		$this->assertSame( [ 'edit', 'create', 'addurl', 'createaccount' ], EmergencyPolicy::triggers() );
		$this->assertSame( [ 'edit', 'create' ], EmergencyPolicy::defaultTriggers() );
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
		$this->host->rights = [ 'captchaguard-exempt' ];
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
		$this->assertSame( 1, $this->host->switchReads );
		// A second handler in the same worker shares the process copy.
		$this->assertTrue( $this->ask( $this->handler( 60 ), 'edit' ) );
		$this->assertSame( 1, $this->host->switchReads );
		// A change made here is seen at once.
		$this->host->switch = null;
		EmergencyPolicy::forgetCachedSwitch();
		$this->assertFalse( $this->ask( $handler, 'edit' ) );
		$this->assertSame( 2, $this->host->switchReads );
	}

	/**
	 * One long-lived process (runJobs, a worker-mode server): the switch
	 * expires and refreshes within it, with no new request.
	 */
	public function testALongLivedProcessSeesExpiryAndRefresh() {
		$this->switchOn( 'edit', 2 );
		$handler = $this->handler( 1 );
		$this->assertTrue( $this->ask( $handler, 'edit' ) );
		$this->switchOn( 'create' );
		sleep( 3 );
		$this->assertFalse( $this->ask( $handler, 'edit' ), 'expired' );
		$this->assertTrue( $this->ask( $handler, 'create' ), 'refreshed' );
		$this->assertSame( 2, $this->host->switchReads );
	}

	public function testAFailingStoreAnswersFromTheLastKnownSwitchAndIsLogged() {
		$this->switchOn( 'edit' );
		$handler = $this->handler( 0 );
		$this->assertTrue( $this->ask( $handler, 'edit' ) );
		$this->host->failures['storedSwitches'] = new RuntimeException( 'DB down' );
		usleep( 1100000 );
		$this->assertTrue( $this->ask( $handler, 'edit' ), 'last known switch' );
		$this->assertFalse( $this->ask( $handler, 'create' ) );
		[ $level, $message, $context ] = $this->host->logs[0];
		$this->assertSame( 'error', $level );
		$this->assertStringContainsString( '{state}', $message );
		$this->assertSame( 'on', $context['state'] );
		$this->assertSame( 'DB down', $context['exception']->getMessage() );
	}

	public function testAFailingStoreBeforeAnyReadMeansOff() {
		$this->host->failures['storedSwitches'] = new RuntimeException( 'DB down' );
		$this->assertFalse( $this->ask( $this->handler(), 'edit' ) );
		$this->assertNotEmpty(
			preg_grep( '/Could not read the emergency CAPTCHA switch.*\(off\).*DB down/', $this->host->logLines() )
		);
	}

	public function testAFailingRightsCheckAsksForTheCaptcha() {
		$this->switchOn( 'edit' );
		$this->host->rights = [ 'captchaguard-exempt' ];
		$this->host->failures['isExempt'] = new RuntimeException( 'rights unavailable' );
		$this->assertTrue( $this->ask( $this->handler(), 'edit' ) );
		$this->assertNotEmpty(
			preg_grep( '/Could not check captchaguard-exempt.*rights unavailable/', $this->host->logLines() )
		);
	}

	/**
	 * A farm's PHP-FPM pool serves many wikis: each answers with its own switch.
	 */
	public function testEachWikiOfASharedWorkerAnswersWithItsOwnSwitch() {
		$this->switchOn( 'edit' );
		$wikiA = $this->handler( 60, 'wiki_a' );
		$this->assertTrue( $this->ask( $wikiA, 'edit' ) );
		// What the store answers for wiki_b, served next by the same worker.
		$this->host->switch = null;
		$wikiB = $this->handler( 60, 'wiki_b' );
		$this->assertFalse( $this->ask( $wikiB, 'edit' ) );
		$this->assertTrue( $this->ask( $wikiA, 'edit' ), 'wiki_a keeps its own copy' );
		$this->assertSame( 2, $this->host->switchReads );
	}

	public function testAFarmsWikisShareOneSnapshotReadOncePerRefresh() {
		$this->host->switchRows = [
			new StoredSwitch( active: true, actions: 'edit', expiry: time() + 3600, wiki: 'wiki_7', id: 3 ),
			new StoredSwitch( active: false, actions: '', expiry: 0, wiki: 'wiki_9', id: 4 ),
		];
		$covered = [];
		for ( $i = 0; $i < 1000; $i++ ) {
			$handler = new EmergencyCaptchaHandler( $this->host, 60, "wiki_$i", 'farmdb' );
			if ( $this->ask( $handler, 'edit' ) ) {
				$covered[] = $i;
			}
		}
		$this->assertSame( [ 7 ], $covered );
		$this->assertSame( 1, $this->host->switchReads, 'one read for a thousand wikis' );
		// The read reported the wiki that is on, and the state of the wiki that read it.
		$this->assertSame( [ [ [ 'wiki_7' => true ], false ] ], $this->host->switchReports );

		// wiki_7 switched off: the worker's next read reports it off, whichever wiki reads.
		$this->host->switchRows[] = new StoredSwitch( active: false, actions: '', expiry: 0, wiki: 'wiki_7', id: 5 );
		// The module's clock is the kernel's coarse one (a tick of up to 10 ms).
		usleep( 20000 );
		$this->assertFalse( $this->ask( new EmergencyCaptchaHandler( $this->host, 0, 'wiki_1', 'farmdb' ), 'edit' ) );
		$this->assertSame( 2, $this->host->switchReads );
		$this->assertSame( [ [ 'wiki_7' => false ], false ], $this->host->switchReports[1] );
	}
}
