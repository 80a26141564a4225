<?php
// Which database connection (primary or replica) each way of reading the
// emergency switch uses, in a real wiki: the switch's store is replaced by a
// subclass that records the index it asks MediaWiki's load balancer for and
// then does exactly what the store does.
//   MW_INSTALL_PATH=… MW_CONFIG_FILE=… php -d extension=… emergency-read-paths.php
// Prints one line per path: "<path>=<index>,<index>…".

use MediaWiki\Extension\CaptchaGuard\CaptchaGuardServices;
use MediaWiki\Extension\CaptchaGuard\Emergency\EmergencyStore;
use MediaWiki\MediaWikiServices;
use Wikimedia\Rdbms\IDatabase;

require_once getenv( 'MW_INSTALL_PATH' ) . '/maintenance/Maintenance.php';

class EmergencyReadPaths extends Maintenance {
	/** @var EmergencyStore Recording which connection each read asks for */
	private $store;

	private function report( string $path, callable $run ): void {
		$this->store->indexes = [];
		$run();
		$this->output( "$path=" . implode( ',', $this->store->indexes ) . "\n" );
	}

	public function execute() {
		$services = MediaWikiServices::getInstance();
		// Declared here: the extension's classes load with MediaWiki.
		$this->store = new class(
			$services->getDBLoadBalancerFactory(),
			$services->getCommentStore(),
			$services->getMainConfig()->get( 'CaptchaGuardEmergencyDatabase' ),
			WikiMap::getCurrentWikiId()
		) extends EmergencyStore {
			public array $indexes = [];

			protected function connection( int $index ): IDatabase {
				$this->indexes[] = $index === DB_PRIMARY ? 'primary' : 'replica';
				return parent::connection( $index );
			}
		};
		$services->redefineService( CaptchaGuardServices::EMERGENCY_STORE, fn () => $this->store );
		$admin = $services->getUserFactory()->newFromName( 'Admin' );

		$this->report( 'meta', static function () {
			$api = new ApiMain( new FauxRequest( [ 'action' => 'query', 'meta' => 'emergencycaptcha' ] ) );
			$api->execute();
		} );
		$this->report( 'special-view', static function () use ( $services, $admin ) {
			$context = new DerivativeContext( RequestContext::getMain() );
			$context->setRequest( new FauxRequest( [], false ) );
			$context->setTitle( SpecialPage::getTitleFor( 'EmergencyCaptcha' ) );
			$context->setUser( $admin );
			$page = $services->getSpecialPageFactory()->getPage( 'EmergencyCaptcha' );
			$page->setContext( $context );
			$page->execute( null );
		} );
		$switcher = CaptchaGuardServices::getEmergencySwitcher( $services );
		$this->report( 'change', static function () use ( $switcher, $admin ) {
			$switcher->change( $admin, true, [ 'create' ], '1 hour', 'read paths', [] );
			$switcher->change( $admin, false, [], '', 'read paths over', [] );
		} );
	}
}

$maintClass = EmergencyReadPaths::class;
require_once RUN_MAINTENANCE_IF_MAIN;
