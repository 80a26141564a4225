<?php

namespace MediaWiki\Extension\CaptchaGuard\Special;

use FormSpecialPage;
use Html;
use MediaWiki\Extension\CaptchaGuard\Adapter\Host;
use MediaWiki\Extension\CaptchaGuard\Emergency\EmergencyLogFormatter;
use MediaWiki\Extension\CaptchaGuard\Emergency\EmergencyPolicy;
use MediaWiki\Extension\CaptchaGuard\Emergency\EmergencyStore;
use MediaWiki\Extension\CaptchaGuard\Emergency\EmergencySwitcher;
use MediaWiki\Extension\CaptchaGuard\Outcomes\OutcomeBox;
use MediaWiki\Extension\CaptchaGuard\Outcomes\OutcomeReport;
use MediaWiki\Extension\CaptchaGuard\Outcomes\OutcomeViewer;
use Status;
use Title;

/**
 * Special:EmergencyCaptcha: everyone sees the switch; holders of
 * emergencycaptcha turn it on or off.
 */
class SpecialEmergencyCaptcha extends FormSpecialPage {

	public function __construct(
		private EmergencyStore $store,
		private EmergencySwitcher $switcher,
		private OutcomeViewer $outcomes,
		private Host $host
	) {
		parent::__construct( 'EmergencyCaptcha' );
	}

	public function doesWrites() {
		return true;
	}

	protected function getGroupName() {
		return 'users';
	}

	public function execute( $par ) {
		$this->setHeaders();
		if ( !$this->getAuthority()->isAllowed( 'emergencycaptcha' ) ) {
			$this->getOutput()->addHTML( $this->introduction() . $this->describeState() );
			$this->getOutput()->addWikiMsg( 'captchaguard-emergency-readonly' );
			$this->addOutcomes();
			return;
		}
		parent::execute( $par );
		// Once, on top, and after a change has been handled: the state as it is now.
		$this->getOutput()->prependHTML( $this->introduction() . $this->describeState() );
		$this->addOutcomes();
	}

	/**
	 * One sentence for a person in a hurry: what the switch does, who is asked.
	 */
	private function introduction(): string {
		return Html::rawElement( 'p', [ 'id' => 'captchaguard-emergency-intro' ],
			$this->msg( 'captchaguard-emergency-intro' )->parse() );
	}

	/**
	 * What became of the switch's CAPTCHAs on this wiki.
	 */
	private function addOutcomes(): void {
		$this->getOutput()->addModuleStyles( 'ext.captchaGuard.outcomes.styles' );
		$this->getOutput()->addHTML(
			( new OutcomeBox( $this->outcomes, $this->host ) )->html( OutcomeReport::EMERGENCY, $this->getContext() )
		);
	}

	private function describeState(): string {
		// After a change in this request, read what was just written.
		$stored = $this->store->current( $this->getRequest()->wasPosted() );
		$state = EmergencyPolicy::state( $stored );
		$lang = $this->getLanguage();
		if ( !$state->active ) {
			$text = $this->msg( 'captchaguard-emergency-state-off' )->parse();
		} else {
			$text = $this->msg( 'captchaguard-emergency-state-on' )
				->params( EmergencyLogFormatter::actionNames( $this->getContext(), $state->actions ) )
				->params( $lang->userTimeAndDate( wfTimestamp( TS_MW, $state->expiry ), $this->getUser() ) )
				// Whoever switches may type anything: the reason is text, never wikitext.
				->rawParams( $this->userLink( $stored->user ) )
				->plaintextParams( $stored->reason )
				->parse();
		}
		return Html::rawElement( 'div', [ 'id' => 'captchaguard-emergency-state' ], $text );
	}

	private function userLink( string $name ): string {
		$page = Title::makeTitleSafe( NS_USER, $name );
		return $page
			? $this->getLinkRenderer()->makeLink( $page, $name )
			: htmlspecialchars( $name );
	}

	protected function getFormFields() {
		$options = [];
		foreach ( EmergencyPolicy::triggers() as $trigger ) {
			// captchaguard-emergency-action-edit, -create, -addurl, -createaccount
			$options[$this->msg( "captchaguard-emergency-action-$trigger" )->escaped()] = $trigger;
		}
		// Actions and expiry matter only when switching on: hidden otherwise.
		$onlyWhenOn = [ '!==', 'state', 'on' ];
		$fields = [
			'state' => [
				'type' => 'radio',
				'label-message' => 'captchaguard-emergency-field-state',
				'options-messages' => [
					'captchaguard-emergency-field-state-on' => 'on',
					'captchaguard-emergency-field-state-off' => 'off',
				],
				'default' => 'on',
			],
			'actions' => [
				'type' => 'multiselect',
				'label-message' => 'captchaguard-emergency-field-actions',
				'options' => $options,
				'default' => EmergencyPolicy::defaultTriggers(),
				'hide-if' => $onlyWhenOn,
			],
			'expiry' => [
				'type' => 'text',
				'label-message' => 'captchaguard-emergency-field-expiry',
				'help' => $this->msg( 'captchaguard-emergency-field-expiry-help' )
					->durationParams( $this->switcher->maxExpirySeconds() )->parse(),
				'default' => '',
				'hide-if' => $onlyWhenOn,
			],
			'reason' => [
				'type' => 'text',
				'label-message' => 'captchaguard-emergency-field-reason',
			],
		];
		// Naming other wikis needs a farm that shares the switch, and the right to.
		if ( $this->switcher->mayNameOtherWikis( $this->getAuthority() ) ) {
			$fields['wikis'] = [
				'type' => 'text',
				'label-message' => 'captchaguard-emergency-field-wikis',
				'help-message' => 'captchaguard-emergency-field-wikis-help',
				'default' => '',
			];
		}
		return $fields;
	}

	public function onSubmit( array $data ) {
		return $this->switcher->change(
			$this->getAuthority(),
			$data['state'] === 'on',
			$data['actions'] ?: [],
			(string)$data['expiry'],
			(string)$data['reason'],
			preg_split( '/[\s,|]+/', (string)( $data['wikis'] ?? '' ) ) ?: []
		);
	}

	public function onSuccess() {
		$this->getOutput()->addHTML( Html::successBox( $this->msg( 'captchaguard-emergency-saved' )->escaped() ) );
		// The form stays: the next change (longer, more actions, off) is one step away.
		$form = $this->getForm();
		$form->prepareForm();
		$form->displayForm( false );
	}

	protected function getDisplayFormat() {
		return 'ooui';
	}
}
