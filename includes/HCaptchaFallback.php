<?php

namespace MediaWiki\Extension\CaptchaGuard;

use BagOStuff;
use Config;
use MediaWiki\Extension\CaptchaGuard\Metrics\Metrics;
use Psr\Log\LoggerInterface;

/**
 * While hCaptcha's siteverify keeps failing, ConfirmEdit asks another CAPTCHA
 * ($wgCaptchaGuardHCaptchaFallbackClass, QuestyCaptcha or FancyCaptcha) so
 * edits can still be saved; hCaptcha is asked again when the time is up.
 * Each server keeps the state in its local cache (APCu), shared by its
 * workers and wikis; when to fall back is the module's rule (SiteverifyHealth).
 */
class HCaptchaFallback {

	public function __construct(
		private Config $config,
		private BagOStuff $localServer,
		private LoggerInterface $logger,
		private Metrics $metrics
	) {
	}

	private function key(): string {
		return $this->localServer->makeGlobalKey( 'captchaguard', 'siteverify-health' );
	}

	private function fallbackClass(): ?string {
		$class = $this->config->get( 'CaptchaGuardHCaptchaFallbackClass' );
		return is_string( $class ) && $class !== '' ? $class : null;
	}

	/**
	 * After one verification: $errorKind is null when siteverify answered
	 * (whatever it said), else why not (HCaptcha::errorKind).
	 */
	public function recordVerification( ?string $errorKind ): void {
		$fallback = $this->fallbackClass();
		if ( $fallback === null ) {
			return;
		}
		$change = null;
		$this->localServer->merge(
			$this->key(),
			function ( $cache, $key, $stored ) use ( $errorKind, &$change ) {
				[ $failures, $until ] = is_array( $stored ) ? $stored + [ 0, 0 ] : [ 0, 0 ];
				$change = SiteverifyHealth::afterVerification(
					(int)$failures, (int)$until, $errorKind !== null,
					(int)$this->config->get( 'CaptchaGuardHCaptchaFallbackThreshold' ),
					(int)$this->config->get( 'CaptchaGuardHCaptchaFallbackSeconds' )
				);
				return [ $change->failuresInARow, $change->fallbackUntil ];
			},
			BagOStuff::TTL_DAY
		);
		if ( $change?->transition === 'fell-back' ) {
			$this->logger->warning(
				'hCaptcha\'s siteverify failed {failures} times in a row (last: {error}): ' .
					'{fallback} is asked instead until {until}',
				[
					'failures' => $change->failuresInARow,
					'error' => $errorKind,
					'fallback' => $fallback,
					'until' => wfTimestamp( TS_ISO_8601, $change->fallbackUntil ),
				]
			);
			$this->metrics->hCaptchaFallback();
		} elseif ( $change?->transition === 'recovered' ) {
			$this->logger->info( 'hCaptcha\'s siteverify answers again: hCaptcha is asked again' );
		}
	}

	/**
	 * At the start of a request, before ConfirmEdit builds its CAPTCHA: the
	 * fallback's class instead of CaptchaGuard's hCaptcha while siteverify is failing.
	 *
	 * @param string|null $configured $wgCaptchaClass
	 * @return string|null The class to use instead, or null to keep it
	 */
	public function replacementFor( ?string $configured ): ?string {
		$fallback = $this->fallbackClass();
		if ( $fallback === null || ltrim( (string)$configured, '\\' ) !== HCaptcha::class ) {
			return null;
		}
		$stored = $this->localServer->get( $this->key() );
		return is_array( $stored ) && SiteverifyHealth::usesFallback( (int)( $stored[1] ?? 0 ) )
			? $fallback
			: null;
	}
}
