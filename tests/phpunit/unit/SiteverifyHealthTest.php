<?php

use MediaWiki\Extension\CaptchaGuard\SiteverifyHealth;
use PHPUnit\Framework\TestCase;

/**
 * The fallback's rule as HCaptchaFallback asks it: the state it stores and
 * what changed, one verification at a time.
 */
class SiteverifyHealthTest extends TestCase {

	public function testTheThresholdStartsTheFallbackAndAnAnswerEndsIt() {
		[ $failures, $until ] = [ 0, 0 ];
		$transitions = [];
		for ( $i = 0; $i < 4; $i++ ) {
			$state = SiteverifyHealth::afterVerification( $failures, $until, true, 3, 60 );
			$failures = $state->failuresInARow;
			$until = $state->fallbackUntil;
			$transitions[] = $state->transition;
		}
		$this->assertSame( [ '', '', 'fell-back', '' ], $transitions );
		$this->assertSame( 4, $failures );
		$this->assertEqualsWithDelta( time() + 60, $until, 2 );
		$this->assertTrue( SiteverifyHealth::usesFallback( $until ) );

		$answered = SiteverifyHealth::afterVerification( $failures, $until, false, 3, 60 );
		$this->assertSame(
			[ 0, 0, 'recovered' ],
			[ $answered->failuresInARow, $answered->fallbackUntil, $answered->transition ]
		);
		$this->assertFalse( SiteverifyHealth::usesFallback( $answered->fallbackUntil ) );
	}

	public function testNonsenseSettingsNeverFallBack() {
		$state = SiteverifyHealth::afterVerification( -5, 0, true, -1, -10 );
		$this->assertSame( [ 1, 0, '' ], [ $state->failuresInARow, $state->fallbackUntil, $state->transition ] );
		$this->assertFalse( SiteverifyHealth::usesFallback( PHP_INT_MIN ) );
	}
}
