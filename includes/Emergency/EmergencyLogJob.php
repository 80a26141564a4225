<?php

namespace MediaWiki\Extension\CaptchaGuard\Emergency;

use Job;
use JobSpecification;
use ManualLogEntry;
use MediaWiki\User\UserIdentityValue;
use SpecialPage;

/**
 * Writes an emergency switch's log entry on a wiki the switch covers but
 * where it was not made (the wiki's log and actors are its own).
 */
class EmergencyLogJob extends Job {

	private const TYPE = 'captchaGuardEmergencyLog';

	public function __construct( $title, array $params ) {
		parent::__construct( self::TYPE, $title, $params );
		$this->removeDuplicates = false;
	}

	public static function newSpec( ManualLogEntry $entry, string $originWiki ): JobSpecification {
		return new JobSpecification( self::TYPE, [
			'action' => $entry->getSubtype(),
			// External user name, as imports and other cross-wiki logs write them.
			'performer' => EmergencyStore::externalName( $originWiki, $entry->getPerformerIdentity()->getName() ),
			'comment' => $entry->getComment(),
			'parameters' => $entry->getParameters(),
			// When the switch changed, not when a job runner got to it.
			'timestamp' => $entry->getTimestamp(),
		], [], SpecialPage::getTitleFor( 'EmergencyCaptcha' ) );
	}

	public function run() {
		$entry = new ManualLogEntry( 'emergencycaptcha', $this->params['action'] );
		$entry->setPerformer( new UserIdentityValue( 0, $this->params['performer'] ) );
		$entry->setTarget( SpecialPage::getTitleFor( 'EmergencyCaptcha' ) );
		$entry->setComment( $this->params['comment'] );
		$entry->setParameters( $this->params['parameters'] );
		// Jobs queued by an older version carry no time.
		if ( isset( $this->params['timestamp'] ) ) {
			$entry->setTimestamp( $this->params['timestamp'] );
		}
		$entry->publish( $entry->insert() );
		return true;
	}
}
