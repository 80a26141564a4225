<?php

namespace MediaWiki\Extension\CaptchaGuard\Metrics;

use MediaWiki\Extension\CaptchaGuard\Value\OutcomeCount;
use Wikimedia\Stats\StatsFactory;

/**
 * What operators graph, through MediaWiki's StatsFactory (1.41+), so it goes
 * to statsd or Prometheus as $wgStatsTarget and $wgStatsFormat say; all
 * under the component CaptchaGuard. Without a StatsFactory (MediaWiki 1.39)
 * nothing is sent. Counts only: no user, address or raw score.
 */
class Metrics {

	/**
	 * @param StatsFactory|null $stats Already for the component CaptchaGuard
	 * @param string $wikiId
	 */
	public function __construct(
		private ?StatsFactory $stats,
		private string $wikiId
	) {
	}

	/**
	 * CAPTCHAs asked for, solved and failed, by action and by source (a
	 * filter's ID, global-N, or emergency): captchas_total.
	 *
	 * @param OutcomeCount[] $counts
	 */
	public function outcomes( array $counts ): void {
		if ( !$this->stats ) {
			return;
		}
		foreach ( $counts as $count ) {
			$this->stats->getCounter( 'captchas_total' )
				->setLabel( 'wiki', $this->wikiId )
				->setLabel( 'outcome', $count->outcome )
				->setLabel( 'action', $count->action )
				->setLabel( 'source', str_replace( '-', '_', $count->source ) )
				->increment();
		}
	}

	/**
	 * The emergency switches as a worker just read them (once per refresh
	 * interval): emergency_active, 1 or 0 per wiki. The module names the wikis
	 * whose state it knows ("*" for a farm-wide switch) and says which are on.
	 *
	 * @param bool[] $states By wiki ID
	 * @param bool $here This wiki's
	 */
	public function emergencySwitches( array $states, bool $here ): void {
		if ( !$this->stats ) {
			return;
		}
		$states[$this->wikiId] = $here;
		foreach ( $states as $wiki => $on ) {
			$this->stats->getGauge( 'emergency_active' )
				->setLabel( 'wiki', (string)$wiki )
				->set( $on ? 1 : 0 );
		}
	}

	/**
	 * A server starts asking the fallback CAPTCHA instead of hCaptcha
	 * (HCaptchaFallback): hcaptcha_fallbacks_total.
	 */
	public function hCaptchaFallback(): void {
		$this->stats?->getCounter( 'hcaptcha_fallbacks_total' )
			->setLabel( 'wiki', $this->wikiId )
			->increment();
	}

	/**
	 * One siteverify request: siteverify_seconds (its duration), and
	 * siteverify_errors_total by kind when it failed (timeout, unreachable,
	 * http, too_large).
	 */
	public function siteverify( float $milliseconds, ?string $errorKind ): void {
		if ( !$this->stats ) {
			return;
		}
		$this->stats->getTiming( 'siteverify_seconds' )
			->setLabel( 'wiki', $this->wikiId )
			->observe( $milliseconds );
		if ( $errorKind !== null ) {
			$this->stats->getCounter( 'siteverify_errors_total' )
				->setLabel( 'wiki', $this->wikiId )
				->setLabel( 'kind', $errorKind )
				->increment();
		}
	}
}
