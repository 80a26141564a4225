<?php

namespace MediaWiki\Extension\CaptchaGuard\AbuseFilter;

use MediaWiki\Extension\AbuseFilter\Consequences\Consequence\Consequence;
use MediaWiki\Extension\AbuseFilter\Consequences\Parameters;
use MediaWiki\Extension\CaptchaGuard\CaptchaGuardServices;
use Throwable;

/**
 * AbuseFilter's Consequence is an abstract PHP class, so this subclass must be
 * userland PHP; the work is done by the native ConsequenceRunner.
 */
class CaptchaConsequence extends Consequence {

	private string $action;

	public function __construct( Parameters $parameters, string $action ) {
		parent::__construct( $parameters );
		$this->action = $action;
	}

	public static function newShowCaptcha( Parameters $parameters ): self {
		return self::newFor( $parameters, ConsequenceRunner::SHOW );
	}

	public static function newForceCaptcha( Parameters $parameters ): self {
		return self::newFor( $parameters, ConsequenceRunner::FORCE );
	}

	private static function newFor( Parameters $parameters, string $action ): self {
		return ConsequenceRunner::isRefusedByAbuseFilter( $parameters->getAction() )
			? new RefusedActionCaptchaConsequence( $parameters, $action )
			: new self( $parameters, $action );
	}

	/**
	 * @return bool Whether a CAPTCHA was demanded (what AbuseLog records)
	 */
	public function execute(): bool {
		try {
			$hit = AbuseFilterCompat::hit( $this->parameters );
		} catch ( Throwable $e ) {
			// Fail safe: a filter that asked for a CAPTCHA gets one, demanded
			// before the log is written in case the log cannot be.
			$demanded = ConsequenceRunner::failSafe( $this->action );
			CaptchaGuardServices::getHost()->log( 'error',
				'Could not read the matching filter of {action}, demanding a CAPTCHA anyway',
				[ 'action' => $this->action, 'exception' => $e ]
			);
			return $demanded;
		}
		return ConsequenceRunner::execute( $hit, $this->action );
	}
}
