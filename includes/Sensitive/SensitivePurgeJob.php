<?php

namespace MediaWiki\Extension\CaptchaGuard\Sensitive;

use MediaWiki\Extension\CaptchaGuard\CaptchaGuardServices;
use GenericParameterJob;
use Job;
use JobSpecification;
use MediaWiki\MediaWikiServices;

/**
 * Deletes one batch of aged CheckUser-level filter hits and queues the next
 * while a batch comes back full. Queued by page views (the native
 * PageDisplayHandler) at most once per $wgCaptchaGuardSensitivePurgeInterval.
 */
class SensitivePurgeJob extends Job implements GenericParameterJob {

	public const TYPE = 'captchaGuardSensitivePurge';
	private const QUEUED_KEY = 'captchaguard-sensitive-purge-queued';

	public function __construct( array $params ) {
		parent::__construct( self::TYPE, $params );
		$this->removeDuplicates = true;
	}

	/**
	 * Queues a run unless another worker or server did in the last $interval seconds.
	 */
	public static function queueOnce( int $interval ): void {
		$services = MediaWikiServices::getInstance();
		$stash = $services->getMainObjectStash();
		if ( $stash->add( $stash->makeKey( self::QUEUED_KEY ), 1, $interval ) ) {
			$services->getJobQueueGroup()->lazyPush( new JobSpecification( self::TYPE, [] ) );
		}
	}

	public function run() {
		$services = MediaWikiServices::getInstance();
		$purger = CaptchaGuardServices::getSensitivePurger( $services );
		if ( $purger->purgeBatch() ) {
			$services->getJobQueueGroup()->push( new JobSpecification( self::TYPE, [ 'next' => wfTimestampNow() ] ) );
		}
		return true;
	}
}
