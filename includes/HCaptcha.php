<?php

namespace MediaWiki\Extension\CaptchaGuard;

use Html;
use MediaWiki\Extension\ConfirmEdit\hCaptcha\HCaptcha as ConfirmEditHCaptcha;
use MediaWiki\MediaWikiServices;
use RequestContext;

/**
 * ConfirmEdit's hCaptcha for users (same widget, same site key settings), with
 * verification against $wgCaptchaGuardHCaptchaVerifyUrl, a short timeout, the
 * answer read only up to its cap, a retry only when siteverify could not be
 * reached at all (a token is single-use), and the risk score kept by the module
 * (RiskScore). A subclass of ConfirmEdit's class, so it must be PHP.
 * Use with $wgCaptchaClass = 'MediaWiki\\Extension\\CaptchaGuard\\HCaptcha'.
 */
class HCaptcha extends ConfirmEditHCaptcha {

	/** @var string|null Why the last verification failed, for the form and the API */
	private ?string $verifyError = null;

	/**
	 * @param mixed $_ Not used
	 * @param string|null $token The widget's response token
	 * @param mixed $user Passed by ConfirmEdit since REL1_44 (not used): optional,
	 *   so the method fits both the two-parameter parent (1.39, 1.43) and the
	 *   three-parameter one (HCaptchaTest checks)
	 * @return bool
	 */
	protected function passCaptcha( $_, $token, $user = null ) {
		if ( $token === null || $token === '' ) {
			return false;
		}
		$token = (string)$token;
		// A token is single-use: a second check in this request (two matching
		// filters, a filter and one of ConfirmEdit's triggers) gets the first answer.
		$known = RiskScore::verifiedInRequest( $token );
		if ( $known !== null ) {
			if ( !$known ) {
				$this->verifyError ??= 'hcaptcha-api';
			}
			return $known;
		}
		$services = MediaWikiServices::getInstance();
		$config = $services->getMainConfig();
		$hCaptchaConfig = $services->getConfigFactory()->makeConfig( 'hcaptcha' );
		$data = [
			'secret' => $hCaptchaConfig->get( 'HCaptchaSecretKey' ),
			'response' => $token,
		];
		if ( $hCaptchaConfig->get( 'HCaptchaSendRemoteIP' ) ) {
			$data['remoteip'] = RequestContext::getMain()->getRequest()->getIP();
		}
		$options = [
			'method' => 'POST',
			'postData' => $data,
			'timeout' => $config->get( 'CaptchaGuardHCaptchaVerifyTimeout' ),
			'connectTimeout' => $config->get( 'CaptchaGuardHCaptchaVerifyTimeout' ),
		];
		if ( $hCaptchaConfig->get( 'HCaptchaProxy' ) ) {
			$options['proxy'] = $hCaptchaConfig->get( 'HCaptchaProxy' );
		}

		$attempts = max( 1, min( 3, (int)$config->get( 'CaptchaGuardHCaptchaVerifyAttempts' ) ) );
		$cap = RiskScore::maxAnswerBytes();
		for ( $attempt = 1; ; $attempt++ ) {
			$request = $services->getHttpRequestFactory()->create(
				$config->get( 'CaptchaGuardHCaptchaVerifyUrl' ), $options, __METHOD__
			);
			// The cap applies while reading: a huge answer is cut off, never held whole.
			$body = '';
			$tooLarge = false;
			$request->setCallback( static function ( $handle, string $chunk ) use ( &$body, &$tooLarge, $cap ) {
				$room = $cap + 1 - strlen( $body );
				$body .= substr( $chunk, 0, max( 0, $room ) );
				if ( strlen( $chunk ) >= $room ) {
					$tooLarge = true;
					// Fewer bytes than given: the HTTP client stops the download.
					return 0;
				}
				return strlen( $chunk );
			} );
			$started = microtime( true );
			$status = $request->execute();
			$httpStatus = $request->getStatus();
			$errorKind = self::errorKind( $status, $httpStatus, $tooLarge );
			CaptchaGuardServices::getMetrics()->siteverify( ( microtime( true ) - $started ) * 1000, $errorKind );
			// A token is single-use: send it again only when the first request
			// never reached siteverify. After a time-out or an error answer the
			// user gets a fresh CAPTCHA.
			if ( $errorKind !== 'unreachable' || $attempt >= $attempts ) {
				break;
			}
		}
		// Cut off at one byte over the cap: the module refuses it as too large.
		$httpError = ( $status->isOK() || $tooLarge ) ? null : ( $httpStatus ? "HTTP $httpStatus" : 'no answer' );
		$passed = RiskScore::recordVerification(
			$token, $httpError, $body, $this->usualSiteKey(), $this->challengeSiteKey()
		);
		CaptchaGuardServices::getHCaptchaFallback( $services )->recordVerification( $errorKind );
		$this->verifyError = $passed ? null : ( $httpError ? 'http' : 'hcaptcha-api' );
		return $passed;
	}

	/**
	 * What went wrong with one siteverify request, for the retry and the metrics; null if
	 * an answer came back.
	 *
	 * @param \StatusValue $status
	 * @param int $httpStatus
	 * @param bool $tooLarge
	 * @return string|null
	 */
	private static function errorKind( $status, int $httpStatus, bool $tooLarge ): ?string {
		if ( $tooLarge ) {
			return 'too_large';
		}
		if ( $status->isOK() ) {
			return null;
		}
		if ( self::neverSent( $status, $httpStatus ) ) {
			return 'unreachable';
		}
		// A time-out before the answer began is MediaWiki's http-timed-out; one
		// while it was arriving (a slow drip) is curl's "Operation timed out".
		if ( $status->hasMessage( 'http-timed-out' ) || preg_match( '/timed out/i', self::curlError( $status ) ) ) {
			return 'timeout';
		}
		return 'http';
	}

	/**
	 * curl's own words for a failed request, as MediaWiki's HTTP client passes them on.
	 *
	 * @param \StatusValue $status
	 * @return string
	 */
	private static function curlError( $status ): string {
		$words = [];
		foreach ( $status->getErrors() as $error ) {
			if ( $error['message'] === 'http-curl-error' ) {
				$words[] = implode( ' ', array_map( 'strval', $error['params'] ?? [] ) );
			}
		}
		return implode( "\n", $words );
	}

	/**
	 * Whether a request failed before anything was sent: the connection was
	 * refused or the host not found. A time-out may come after siteverify has
	 * read the token, so it is not one of these.
	 *
	 * @param \StatusValue $status
	 * @param int $httpStatus
	 * @return bool
	 */
	private static function neverSent( $status, int $httpStatus ): bool {
		return $httpStatus === 0 && !$status->isOK() && preg_match(
			"/^(Failed to connect|Could not resolve|Couldn't connect|Couldn't resolve)/im",
			self::curlError( $status )
		) === 1;
	}

	public function getError() {
		return $this->verifyError;
	}

	private function usualSiteKey(): string {
		return (string)MediaWikiServices::getInstance()->getConfigFactory()
			->makeConfig( 'hcaptcha' )->get( 'HCaptchaSiteKey' );
	}

	private function challengeSiteKey(): string {
		return (string)MediaWikiServices::getInstance()->getMainConfig()
			->get( 'CaptchaGuardHCaptchaChallengeSiteKey' );
	}

	/** The key the widget shows: the module decides (RiskScore::siteKeyToShow). */
	private function siteKeyToShow(): string {
		return RiskScore::siteKeyToShow( $this->usualSiteKey(), $this->challengeSiteKey() );
	}

	/**
	 * @param int $tabIndex
	 * @param mixed ...$more The OutputPage ConfirmEdit passes since REL1_45
	 * @return array
	 */
	public function getFormInformation( $tabIndex = 1, ...$more ) {
		$form = parent::getFormInformation( $tabIndex, ...$more );
		$form['html'] = Html::element( 'div', [
			'class' => [ 'h-captcha', 'mw-confirmedit-captcha-fail' => (bool)$this->verifyError ],
			'data-sitekey' => $this->siteKeyToShow(),
		] );
		return $form;
	}

	/**
	 * @param mixed ...$more The action ConfirmEdit passes since REL1_45
	 * @return array
	 */
	public function describeCaptchaType( ...$more ) {
		return [ 'key' => $this->siteKeyToShow() ] + parent::describeCaptchaType( ...$more );
	}

	/**
	 * The sign-up form's widget, with the key a filter's demand calls for.
	 *
	 * @param array $requests
	 * @param array $fieldInfo
	 * @param array &$formDescriptor
	 * @param string $action
	 */
	public function onAuthChangeFormFields( array $requests, array $fieldInfo, array &$formDescriptor, $action ) {
		parent::onAuthChangeFormFields( $requests, $fieldInfo, $formDescriptor, $action );
		if ( isset( $formDescriptor['captchaWord']['key'] ) ) {
			$formDescriptor['captchaWord']['key'] = $this->siteKeyToShow();
		}
	}

	/**
	 * @param array &$resultArr
	 */
	protected function addCaptchaAPI( &$resultArr ) {
		$resultArr['captcha'] = $this->describeCaptchaType();
		$resultArr['captcha']['error'] = $this->verifyError;
	}
}
