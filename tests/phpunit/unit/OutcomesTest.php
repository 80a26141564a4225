<?php

use MediaWiki\Extension\CaptchaGuard\Hooks\EmergencyCaptchaHandler;
use MediaWiki\Extension\CaptchaGuard\Hooks\OutcomesHandler;
use MediaWiki\Extension\CaptchaGuard\Outcomes\OutcomeRecorder;
use MediaWiki\Extension\CaptchaGuard\Outcomes\OutcomeReport;
use MediaWiki\Extension\CaptchaGuard\Value\OutcomeCount;
use MediaWiki\Extension\CaptchaGuard\Value\OutcomeDay;
use MediaWiki\Extension\CaptchaGuard\Value\StoredOutcomes;
use MediaWiki\Extension\CaptchaGuard\Value\StoredSwitch;
use PHPUnit\Framework\TestCase;

/**
 * The counting of the emergency switch's CAPTCHAs through the native hooks,
 * and the figures the pages get, against a FakeHost. (The filters' counts,
 * which need AbuseFilter and ConfirmEdit, are tested on real wikis:
 * tests/integration/test_outcomes.py.) Each test runs in its own PHP process.
 */
class OutcomesTest extends TestCase {

	private FakeHost $host;
	private EmergencyCaptchaHandler $emergency;

	protected function setUp(): void {
		$this->host = new FakeHost();
		$this->host->switch = new StoredSwitch( active: true, actions: 'edit,create', expiry: time() + 3600 );
		$this->emergency = new EmergencyCaptchaHandler( $this->host, 60, 'testwiki' );
	}

	private function asked( string $action = 'edit' ): bool {
		$result = false;
		$this->emergency->onConfirmEditTriggersCaptcha( $action, null, $result );
		return $result;
	}

	private function saved(): void {
		( new OutcomesHandler( $this->host ) )->onPageSaveComplete( null, null, '', 0, null, null, 'more' );
	}

	/**
	 * @return string[] "source action day outcome" of each count handed over
	 */
	private static function taken(): array {
		return array_map(
			static fn ( OutcomeCount $c ): string => "$c->source $c->action $c->day $c->outcome",
			OutcomeRecorder::takeCounts()
		);
	}

	private static function today(): string {
		return gmdate( 'Ymd' );
	}

	public function testAChallengeShownTwiceIsCountedOnceAndWrittenAtTheRequestsEnd() {
		$this->assertTrue( $this->asked() );
		$this->assertTrue( $this->asked() );
		$this->assertTrue( $this->asked( 'create' ) );
		$this->assertSame( 1, $this->host->outcomeWrites );
		$this->assertSame( [ 'emergency edit ' . self::today() . ' challenged' ], self::taken() );
		$this->assertSame( [], self::taken() );
		$this->assertNotNull( $this->host->session['captchaguard-open-challenges'] ?? null );
		$this->assertSame( [], $this->host->logs );
	}

	public function testWhereTheHostWritesCheaplyFirmCountsAreWrittenAtOnce() {
		$this->host->writesOutcomesAtOnce = true;
		$this->assertTrue( $this->asked() );
		$day = self::today();
		$written = array_map(
			static fn ( OutcomeCount $c ): string => "$c->source $c->action $c->day $c->outcome",
			$this->host->outcomesWrittenAtOnce
		);
		$this->assertSame( [ "emergency edit $day challenged" ], $written );
		$this->assertSame( 0, $this->host->outcomeWrites );
		$this->assertSame( [], self::taken() );
	}

	public function testCountsThatWaitForTheSaveAreWrittenAtTheRequestsEndEvenWhereTheHostWritesCheaply() {
		$this->host->writesOutcomesAtOnce = true;
		$this->host->answerGiven = true;
		$this->assertTrue( $this->asked() );
		// The answer is a failure unless the edit is saved: nothing is written before the end.
		$this->assertSame( [], $this->host->outcomesWrittenAtOnce );
		$this->assertSame( 1, $this->host->outcomeWrites );
		$day = self::today();
		$this->assertSame( [ "emergency edit $day challenged", "emergency edit $day failed" ], self::taken() );
	}

	public function testAnAnswerTheEditIsNotSavedWithIsAWrongOne() {
		// An answer to a CAPTCHA this session was not counted for: it begins a challenge.
		$this->host->answerGiven = true;
		$this->assertTrue( $this->asked() );
		$day = self::today();
		$this->assertSame( [ "emergency edit $day challenged", "emergency edit $day failed" ], self::taken() );
		$this->assertNotNull( $this->host->session['captchaguard-open-challenges'] ?? null );
	}

	public function testAnAnswerTheEditIsSavedWithIsSolved() {
		$this->host->answerGiven = true;
		$this->asked();
		$this->saved();
		$day = self::today();
		$this->assertSame( [ "emergency edit $day challenged", "emergency edit $day solved" ], self::taken() );
		$this->assertArrayNotHasKey( 'captchaguard-open-challenges', $this->host->session );
		// A save with nothing waiting counts nothing.
		$this->saved();
		$this->assertSame( [], self::taken() );
	}

	public function testExemptUsersAndUncoveredActionsAreNotCounted() {
		$this->assertFalse( $this->asked( 'addurl' ) );
		$this->host->rights = [ 'captchaguard-exempt' ];
		$this->assertFalse( $this->asked() );
		$this->assertSame( [], self::taken() );
		$this->assertSame( 0, $this->host->outcomeWrites );
	}

	public function testACountThatCannotBeKeptIsLoggedAndTheCaptchaStillAsked() {
		$this->host->failures['sessionGet'] = new RuntimeException( 'session store down' );
		$this->assertTrue( $this->asked() );
		$this->assertSame( [], self::taken() );
		$this->assertSame( 'error', $this->host->logs[0][0] );
		$this->assertStringContainsString( 'Could not count the CAPTCHA outcome', $this->host->logs[0][1] );
		$this->assertStringContainsString( 'session store down', $this->host->logs[0][2]['error'] );
		$this->assertSame( 'emergency', $this->host->logs[0][2]['source'] );
	}

	public function testAWriteThatCannotBeArrangedLosesTheCountNotTheCaptcha() {
		$this->host->failures['writeOutcomesLater'] = new RuntimeException( 'no deferred updates' );
		$this->assertTrue( $this->asked() );
		$this->assertStringContainsString( 'no deferred updates', $this->host->logs[0][2]['error'] );
	}

	public function testACountThatCannotBeWrittenAtOnceIsLostNotTheCaptcha() {
		$this->host->failures['writeOutcomesNow'] = new RuntimeException( 'buffer unreachable' );
		$this->assertTrue( $this->asked() );
		$this->assertStringContainsString( 'buffer unreachable', $this->host->logs[0][2]['error'] );
		$this->assertSame( 'emergency', $this->host->logs[0][2]['source'] );
	}

	public function testStoredRowsSettleAndSumPerDay() {
		$today = self::today();
		$old = gmdate( 'Ymd', time() - 3 * 86400 );
		$rows = OutcomeReport::settle( [
			new StoredOutcomes( day: $old, action: 'edit', challenged: 5, solved: 2, failed: 4 ),
			new StoredOutcomes( day: $old, action: 'createaccount', challenged: 1, solved: 1, failed: 0 ),
			new StoredOutcomes( day: $today, action: 'edit', challenged: 3, solved: 1, failed: 0 ),
		], 1800 );
		$this->assertContainsOnlyInstancesOf( OutcomeDay::class, $rows );
		$this->assertSame( [ 3, 0 ], [ $rows[0]->abandoned, $rows[0]->open ] );
		$this->assertSame( [ 0, 2 ], [ $rows[2]->abandoned, $rows[2]->open ] );
		$days = OutcomeReport::lastDays( 5 );
		$this->assertCount( 5, $days );
		$this->assertSame( $today, end( $days ) );
		$perDay = OutcomeReport::perDay( $rows, $days );
		$this->assertSame( [ 0, 6, 0, 0, 3 ], array_map( static fn ( OutcomeDay $d ) => $d->challenged, [
			$perDay[0], $perDay[1], $perDay[2], $perDay[3], $perDay[4] ] ) );
		// Solved out of solved and abandoned: 4 of 7.
		$this->assertEqualsWithDelta( 4 / 7, OutcomeReport::solveRate( $perDay ), 1e-9 );
		$this->assertNull( OutcomeReport::solveRate( [] ) );
		$svg = OutcomeReport::chart( $perDay, 'Outcomes', '4 of 7 solved', 'Solved', 'Abandoned', 'Open <now>' );
		$this->assertStringStartsWith( '<svg xmlns="http://www.w3.org/2000/svg"', $svg );
		$this->assertStringContainsString( '<desc id="captchaguard-chart-desc">4 of 7 solved</desc>', $svg );
		$this->assertStringContainsString( 'Open &lt;now&gt;', $svg );
		$this->assertSame( 'emergency', OutcomeReport::EMERGENCY );
		$this->assertSame( gmdate( 'Ymd', time() - 89 * 86400 ), OutcomeRecorder::oldestKeptDay() );
	}
}
