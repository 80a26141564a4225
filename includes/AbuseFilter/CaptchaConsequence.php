<?php

namespace MediaWiki\Extension\CaptchaGuard\AbuseFilter;

use MediaWiki\Extension\AbuseFilter\Consequences\Consequence\Consequence;
use MediaWiki\Extension\AbuseFilter\Consequences\Parameters;
use MediaWiki\Logger\LoggerFactory;
use RequestContext;
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
		return new self( $parameters, 'showcaptcha' );
	}

	public static function newForceCaptcha( Parameters $parameters ): self {
		return new self( $parameters, 'forcecaptcha' );
	}

	/**
	 * @return bool Whether a CAPTCHA was demanded (what AbuseLog records)
	 */
	public function execute(): bool {
		try {
			return ConsequenceRunner::execute( $this->parameters, $this->action, RequestContext::getMain() );
		} catch ( Throwable $e ) {
			// Fail safe: an error in the module still leaves the CAPTCHA demanded.
			LoggerFactory::getInstance( 'CaptchaGuard' )->error(
				'CAPTCHA action failed, demanding a CAPTCHA anyway: {exception}',
				[ 'exception' => $e ]
			);
			return ConsequenceRunner::failSafe( $this->action );
		}
	}
}
