<?php
/**
 * make bench: the per-call cost of the emergency CAPTCHA check in the module
 * (CaptchaGuard's ConfirmEditTriggersCaptcha handler) against the same check
 * written as plain PHP reading MediaWiki's local-server object cache (APCu),
 * side by side in one run, in steady state (switch read and cached).
 *
 * MW_INSTALL_PATH and MW_CONFIG_FILE select the wiki; run with apc.enable_cli=1.
 */

use MediaWiki\Extension\CaptchaGuard\CaptchaGuardServices;
use MediaWiki\Extension\CaptchaGuard\Emergency\EmergencyPolicy;
use MediaWiki\Extension\CaptchaGuard\Hooks\HandlerFactory;
use MediaWiki\Extension\CaptchaGuard\Value\SwitchChange;
use MediaWiki\MediaWikiServices;

require_once getenv( 'MW_INSTALL_PATH' ) . '/maintenance/Maintenance.php';

/**
 * What a PHP extension would write: the switch in the local-server cache,
 * refreshed from the database when it expires.
 */
class PhpEmergencyCheck {
	public function __construct( private BagOStuff $cache, private int $refresh ) {
	}

	public function onConfirmEditTriggersCaptcha( $action, $page, &$result ) {
		if ( $result ) {
			return;
		}
		$state = $this->cache->getWithSetCallback(
			$this->cache->makeKey( 'captchaguard-bench', 'emergency' ),
			$this->refresh,
			static function () {
				$stored = CaptchaGuardServices::getEmergencyStore()->currentSwitch();
				return $stored
					? [ 'active' => $stored->active, 'actions' => $stored->actions, 'expiry' => $stored->expiry ]
					: [ 'active' => false ];
			}
		);
		if ( !$state['active'] || $state['expiry'] <= time()
			|| !in_array( $action, explode( ',', $state['actions'] ), true )
		) {
			return;
		}
		if ( !RequestContext::getMain()->getUser()->isAllowed( 'captchaguard-exempt' ) ) {
			$result = true;
		}
	}
}

class EmergencyCheckBenchmark extends Maintenance {
	public function __construct() {
		parent::__construct();
		$this->addOption( 'calls', 'Calls per measurement', false, true );
	}

	private function measure( object $handler, string $action, int $calls ): float {
		$title = Title::newFromText( 'Benchmark' );
		for ( $i = 0; $i < 1000; $i++ ) {
			$result = false;
			$handler->onConfirmEditTriggersCaptcha( $action, $title, $result );
		}
		$best = INF;
		for ( $round = 0; $round < 5; $round++ ) {
			$start = hrtime( true );
			for ( $i = 0; $i < $calls; $i++ ) {
				$result = false;
				$handler->onConfirmEditTriggersCaptcha( $action, $title, $result );
			}
			$best = min( $best, ( hrtime( true ) - $start ) / $calls );
		}
		return $best;
	}

	private function switchTo( bool $on ): void {
		$services = MediaWikiServices::getInstance();
		$change = EmergencyPolicy::validate( new SwitchChange(
			on: $on, actions: [ 'edit', 'create' ], expiryGiven: $on, reason: 'benchmark',
			maxSeconds: 86400, wikis: [], currentWiki: WikiMap::getCurrentWikiId(), knownWikis: [],
			maySwitchOthers: false, expiry: $on ? time() + 3600 : null
		) );
		CaptchaGuardServices::getEmergencyStore( $services )->insert(
			$change,
			$change->wikis,
			// The store records performers as actors (since the switch table's 0.2 schema).
			User::newSystemUser( 'CaptchaGuard benchmark', [ 'steal' => true ] )
		);
		EmergencyPolicy::forgetCachedSwitch();
		$services->getLocalServerObjectCache()->delete(
			$services->getLocalServerObjectCache()->makeKey( 'captchaguard-bench', 'emergency' )
		);
	}

	public function execute() {
		$calls = (int)$this->getOption( 'calls', 200000 );
		$services = MediaWikiServices::getInstance();
		$cache = $services->getLocalServerObjectCache();
		if ( !( $cache instanceof APCUBagOStuff ) ) {
			$this->fatalError( 'The plain-PHP check needs APCu: run with -d apc.enable_cli=1' );
		}
		$config = $services->getMainConfig();
		$refresh = (int)$config->get( 'CaptchaGuardEmergencyRefresh' );
		$native = HandlerFactory::newEmergencyCaptchaHandler( CaptchaGuardServices::getHost( $services ), $config );
		$php = new PhpEmergencyCheck( $cache, $refresh );

		$this->output( sprintf( "Emergency CAPTCHA check, ns per call (best of 5 x %d calls)\n", $calls ) );
		$this->output( sprintf( "%-44s %12s %12s %8s\n", 'case', 'module', 'plain PHP', 'ratio' ) );
		$cases = [
			[ false, 'edit', 'switch off (steady state of most requests)' ],
			[ true, 'addurl', 'switch on, action not covered' ],
			[ true, 'edit', 'switch on, action covered (rights checked)' ],
		];
		foreach ( $cases as [ $on, $action, $label ] ) {
			$this->switchTo( $on );
			$nativeNs = $this->measure( $native, $action, $calls );
			$phpNs = $this->measure( $php, $action, $calls );
			$this->output( sprintf( "%-44s %12.1f %12.1f %7.1fx\n", $label, $nativeNs, $phpNs, $phpNs / $nativeNs ) );
		}
		$this->switchTo( false );
	}
}

$maintClass = EmergencyCheckBenchmark::class;
require_once RUN_MAINTENANCE_IF_MAIN;
