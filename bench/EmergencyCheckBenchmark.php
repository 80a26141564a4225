<?php
/**
 * make bench: the per-call cost of the emergency CAPTCHA check in the module
 * (CaptchaGuard's ConfirmEditTriggersCaptcha handler) against the same check
 * written as plain PHP reading MediaWiki's local-server object cache (APCu),
 * side by side in one run, in steady state (switch read and cached); then
 * the same for one and for 1,000 wikis served by one worker, with the switch
 * table's reads counted.
 *
 * MW_INSTALL_PATH and MW_CONFIG_FILE select the wiki; run with apc.enable_cli=1.
 */

use MediaWiki\Extension\CaptchaGuard\Adapter\MediaWikiHost;
use MediaWiki\Extension\CaptchaGuard\CaptchaGuardServices;
use MediaWiki\Extension\CaptchaGuard\Emergency\EmergencyStore;
use MediaWiki\Extension\CaptchaGuard\Hooks\EmergencyCaptchaHandler;
use MediaWiki\Extension\CaptchaGuard\Emergency\EmergencyPolicy;
use MediaWiki\Extension\CaptchaGuard\Hooks\HandlerFactory;
use MediaWiki\Extension\CaptchaGuard\Value\SwitchChange;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\MediaWikiServices;

require_once getenv( 'MW_INSTALL_PATH' ) . '/maintenance/Maintenance.php';

/**
 * What a PHP extension would write: each wiki's switch in the local-server
 * cache, read from the database (that wiki's newest row, or the farm-wide
 * one) when it expires.
 */
class PhpEmergencyCheck {
	/** A new one after each change the benchmark makes, so every wiki reads it again. */
	public static int $generation = 0;
	public int $reads = 0;

	public function __construct( private BagOStuff $cache, private int $refresh, private string $wikiId ) {
	}

	/** The same check for another wiki served by the same worker. */
	public function forWiki( string $wikiId ): self {
		$check = new self( $this->cache, $this->refresh, $wikiId );
		$check->reads = &$this->reads;
		return $check;
	}

	public function onConfirmEditTriggersCaptcha( $action, $page, &$result ) {
		if ( $result ) {
			return;
		}
		$state = $this->cache->getWithSetCallback(
			$this->cache->makeGlobalKey( 'captchaguard-bench', 'emergency', self::$generation, $this->wikiId ),
			$this->refresh,
			function () {
				$this->reads++;
				$row = MediaWikiServices::getInstance()->getDBLoadBalancer()->getConnection( DB_REPLICA )->selectRow(
					'captchaguard_emergency',
					[ 'ce_active', 'ce_actions', 'ce_expiry' ],
					[ 'ce_wiki' => [ $this->wikiId, '*' ] ],
					__METHOD__,
					[ 'ORDER BY' => 'ce_id DESC' ]
				);
				return $row ? [
					'active' => (bool)$row->ce_active,
					'actions' => (string)$row->ce_actions,
					'expiry' => $row->ce_expiry === null ? 0 : (int)wfTimestamp( TS_UNIX, $row->ce_expiry ),
				] : [ 'active' => false ];
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

	/**
	 * Best of 5 rounds, ns per call: each call asks $checks[$sequence[$i]],
	 * as each request asks the handler of the wiki it serves.
	 */
	private function measure( array $checks, string $action, array $sequence ): float {
		$title = Title::newFromText( 'Benchmark' );
		$calls = count( $sequence );
		foreach ( array_slice( $sequence, 0, 1000 ) as $wiki ) {
			$result = false;
			$checks[$wiki]->onConfirmEditTriggersCaptcha( $action, $title, $result );
		}
		$best = INF;
		for ( $round = 0; $round < 5; $round++ ) {
			$start = hrtime( true );
			foreach ( $sequence as $wiki ) {
				$result = false;
				$checks[$wiki]->onConfirmEditTriggersCaptcha( $action, $title, $result );
			}
			$best = min( $best, ( hrtime( true ) - $start ) / $calls );
		}
		return $best;
	}

	/**
	 * $calls wiki indexes below $wikis, spread as traffic is over a farm's
	 * wikis (Zipf, s = 1.1: a few large wikis, a long tail), the same every run.
	 */
	private static function farmTraffic( int $wikis, int $calls ): array {
		$weights = [];
		$total = 0.0;
		for ( $rank = 1; $rank <= $wikis; $rank++ ) {
			$total += 1 / $rank ** 1.1;
			$weights[] = $total;
		}
		mt_srand( 23 );
		$sequence = [];
		for ( $i = 0; $i < $calls; $i++ ) {
			$pick = mt_rand() / mt_getrandmax() * $total;
			$low = 0;
			$high = $wikis - 1;
			while ( $low < $high ) {
				$mid = intdiv( $low + $high, 2 );
				if ( $weights[$mid] < $pick ) {
					$low = $mid + 1;
				} else {
					$high = $mid;
				}
			}
			$sequence[] = $low;
		}
		return $sequence;
	}

	/**
	 * @param string[] $wikis Wiki IDs, or [ '*' ]
	 */
	private function switchTo( bool $on, array $wikis ): void {
		$services = MediaWikiServices::getInstance();
		$change = EmergencyPolicy::validate( new SwitchChange(
			on: $on, actions: [ 'edit', 'create' ], expiryGiven: $on, reason: 'benchmark',
			maxSeconds: 86400, wikis: [], currentWiki: WikiMap::getCurrentWikiId(), knownWikis: [],
			maySwitchOthers: false, expiry: $on ? time() + 3600 : null
		) );
		CaptchaGuardServices::getEmergencyStore( $services )->insert(
			$change,
			$wikis,
			// The store records performers as actors (since the switch table's 0.2 schema).
			User::newSystemUser( 'CaptchaGuard benchmark', [ 'steal' => true ] )
		);
		EmergencyPolicy::forgetCachedSwitch();
		PhpEmergencyCheck::$generation++;
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
		// The switch table, counting the native check's reads of it.
		$store = new class(
			$services->getDBLoadBalancerFactory(), $services->getCommentStore(),
			$config->get( 'CaptchaGuardEmergencyDatabase' ), WikiMap::getCurrentWikiId()
		) extends EmergencyStore {
			public int $reads = 0;

			public function switchesInEffect(): array {
				$this->reads++;
				return parent::switchesInEffect();
			}
		};
		$host = new MediaWikiHost(
			$config, LoggerFactory::getInstance( 'CaptchaGuard' ), $services->getMainObjectStash(),
			$services->getUserNameUtils(), static fn () => $store,
			static fn () => CaptchaGuardServices::getOutcomeStore( $services ),
			$services->getHookContainer(), static fn () => CaptchaGuardServices::getMetrics( $services )
		);
		$here = WikiMap::getCurrentWikiId();
		$native = [ HandlerFactory::newEmergencyCaptchaHandler( $host, $config, $store ) ];
		$php = [ new PhpEmergencyCheck( $cache, $refresh, $here ) ];
		$oneWiki = array_fill( 0, $calls, 0 );

		$this->output( sprintf( "Emergency CAPTCHA check, ns per call (best of 5 x %d calls)\n", $calls ) );
		$this->output( sprintf( "%-44s %12s %12s %8s\n", 'case', 'module', 'plain PHP', 'ratio' ) );
		$cases = [
			[ false, 'edit', 'switch off (steady state of most requests)' ],
			[ true, 'addurl', 'switch on, action not covered' ],
			[ true, 'edit', 'switch on, action covered (rights checked)' ],
		];
		foreach ( $cases as [ $on, $action, $label ] ) {
			$this->switchTo( $on, [ $here ] );
			$nativeNs = $this->measure( $native, $action, $oneWiki );
			$phpNs = $this->measure( $php, $action, $oneWiki );
			$this->output( sprintf( "%-44s %12.1f %12.1f %7.1fx\n", $label, $nativeNs, $phpNs, $phpNs / $nativeNs ) );
		}
		$this->switchTo( false, [ $here ] );

		// A farm: every wiki served by this pool shares the switch table. The
		// module keeps one snapshot of the table per worker; plain PHP one
		// cache entry per wiki. Every call falls within one refresh interval.
		$this->output( sprintf(
			"\nOne worker serving a farm's wikis, which share the switch table: calls spread over the wikis\n" .
			"as traffic is (Zipf, s = 1.1), 6 x %d of them; reads: queries of the switch table in that\n" .
			"time (the module: per worker; plain PHP: per wiki; both refresh every %d s)\n",
			$calls, $refresh
		) );
		$this->output( sprintf( "%-30s %10s %10s %14s %14s\n",
			'wikis, case', 'module ns', 'PHP ns', 'module reads', 'PHP reads' ) );
		foreach ( [ 1, 1000 ] as $wikiCount ) {
			$ids = [];
			$nativeFarm = [];
			$phpFarm = [];
			for ( $i = 0; $i < $wikiCount; $i++ ) {
				$ids[$i] = $wikiCount === 1 ? $here : "benchwiki$i";
				$nativeFarm[$i] = new EmergencyCaptchaHandler( $host, $refresh, $ids[$i], $store->tableId() );
				$phpFarm[$i] = $php[0]->forWiki( $ids[$i] );
			}
			$traffic = self::farmTraffic( $wikiCount, $calls );
			// The most visited wiki but one is under attack: its switch is on.
			$attacked = $ids[min( 1, $wikiCount - 1 )];
			foreach ( [ [ false, 'all off' ], [ true, "one wiki on" ] ] as [ $on, $label ] ) {
				$this->switchTo( $on, [ $attacked ] );
				$store->reads = 0;
				$php[0]->reads = 0;
				// The first round reads; the best of five is the steady state.
				$nativeNs = $this->measure( $nativeFarm, 'addurl', $traffic );
				$phpNs = $this->measure( $phpFarm, 'addurl', $traffic );
				$checks = 6 * $calls + 1000;
				$this->output( sprintf( "%-30s %10.1f %10.1f %14s %14s\n",
					"$wikiCount, $label", $nativeNs, $phpNs,
					sprintf( '%d (%.1e/check)', $store->reads, $store->reads / $checks ),
					sprintf( '%d (%.1e/check)', $php[0]->reads, $php[0]->reads / $checks )
				) );
			}
			$this->switchTo( false, [ $attacked ] );
		}
	}
}

$maintClass = EmergencyCheckBenchmark::class;
require_once RUN_MAINTENANCE_IF_MAIN;
