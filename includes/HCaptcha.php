<?php

namespace MediaWiki\Extension\CaptchaGuard;

use MediaWiki\Extension\ConfirmEdit\hCaptcha\HCaptcha as ConfirmEditHCaptcha;
use MediaWiki\MediaWikiServices;
use RequestContext;

/**
 * ConfirmEdit's hCaptcha for users (same widget, same site key settings), with
 * verification against $wgCaptchaGuardHCaptchaVerifyUrl, a short timeout, one
 * retry when no answer came back, and the risk score kept by the module
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
		for ( $attempt = 1; ; $attempt++ ) {
			$request = $services->getHttpRequestFactory()->create(
				$config->get( 'CaptchaGuardHCaptchaVerifyUrl' ), $options, __METHOD__
			);
			$status = $request->execute();
			$httpStatus = $request->getStatus();
			// Retry only when no answer came back or the server failed; an answer is final.
			$answered = $status->isOK() || ( $httpStatus > 0 && $httpStatus < 500 );
			if ( $answered || $attempt >= $attempts ) {
				break;
			}
		}
		$httpError = $status->isOK() ? null : ( $httpStatus ? "HTTP $httpStatus" : 'no answer' );
		$passed = RiskScore::recordVerification( $token, $httpError, (string)$request->getContent() );
		$this->verifyError = $passed ? null : ( $httpError ? 'http' : 'hcaptcha-api' );
		return $passed;
	}

	public function getError() {
		return $this->verifyError;
	}

	/**
	 * @param array &$resultArr
	 */
	protected function addCaptchaAPI( &$resultArr ) {
		$resultArr['captcha'] = $this->describeCaptchaType();
		$resultArr['captcha']['error'] = $this->verifyError;
	}
}
