<?php

namespace MediaWiki\Extension\CaptchaGuard\Api;

use ApiBase;
use ApiMain;
use MediaWiki\Extension\CaptchaGuard\Emergency\EmergencySwitcher;
use Wikimedia\ParamValidator\ParamValidator;

/**
 * action=emergencycaptcha: turn the emergency switch on or off.
 */
class ApiEmergencyCaptcha extends ApiBase {

	public function __construct( ApiMain $main, string $moduleName, private EmergencySwitcher $switcher ) {
		parent::__construct( $main, $moduleName );
	}

	public function execute() {
		$this->checkUserRightsAny( 'emergencycaptcha' );
		// Blocked users are refused, as Special:EmergencyCaptcha refuses them.
		$block = $this->getUser()->getBlock();
		if ( $block ) {
			$this->dieBlocked( $block );
		}
		$params = $this->extractRequestParams();
		$status = $this->switcher->change(
			$this->getAuthority(),
			$params['state'] === 'on',
			$params['actions'] ?? [],
			$params['expiry'] ?? '',
			$params['reason'] ?? '',
			$params['wikis'] ?? []
		);
		if ( !$status->isOK() ) {
			$this->dieStatus( $status );
		}
		$change = $status->getValue();
		$this->getResult()->addValue( null, $this->getModuleName(), [
			'active' => $change->active,
			'actions' => $change->actions,
			'expiry' => $change->active ? wfTimestamp( TS_ISO_8601, $change->expiry ) : null,
			'reason' => $change->reason,
		] );
	}

	public function mustBePosted() {
		return true;
	}

	public function isWriteMode() {
		return true;
	}

	public function needsToken() {
		return 'csrf';
	}

	public function getAllowedParams() {
		return [
			'state' => [
				ParamValidator::PARAM_TYPE => [ 'on', 'off' ],
				ParamValidator::PARAM_REQUIRED => true,
			],
			// Checked by the module, so an unknown action gets CaptchaGuard's own message.
			'actions' => [
				ParamValidator::PARAM_ISMULTI => true,
			],
			'expiry' => [
				ParamValidator::PARAM_TYPE => 'string',
			],
			'reason' => [
				ParamValidator::PARAM_TYPE => 'string',
			],
			'wikis' => [
				ParamValidator::PARAM_ISMULTI => true,
			],
		];
	}

	protected function getExamplesMessages() {
		return [
			'action=emergencycaptcha&state=on&actions=edit|create&expiry=2%20hours&reason=Botnet&token=123ABC'
				=> 'apihelp-emergencycaptcha-example-on',
			'action=emergencycaptcha&state=off&reason=Over&token=123ABC'
				=> 'apihelp-emergencycaptcha-example-off',
		];
	}
}
