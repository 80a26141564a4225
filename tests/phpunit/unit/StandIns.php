<?php
// Just enough of MediaWiki, ConfirmEdit and AbuseFilter for the native classes.
// Each stand-in records what was done to it so tests can assert on it.

namespace MediaWiki\Extension\AbuseFilter\Consequences\Consequence {
	use MediaWiki\Extension\AbuseFilter\Consequences\Parameters;

	abstract class Consequence {
		protected $parameters;

		public function __construct( Parameters $parameters ) {
			$this->parameters = $parameters;
		}

		abstract public function execute(): bool;
	}

	interface HookAborterConsequence {
		public function getMessage(): array;
	}
}

namespace MediaWiki\Extension\AbuseFilter\Variables {
	/** Records the lazily declared variables. */
	class VariableHolder {
		public array $lazy = [];

		public function setLazyLoadVar( string $variable, string $method, array $parameters ): void {
			$this->lazy[$variable] = [ $method, $parameters ];
		}
	}
}

namespace MediaWiki\Extension\AbuseFilter {
	/** AbuseFilter's protected level is this one right here. */
	class AbuseFilterServices {
		public static function getPermissionManager(): object {
			return new class {
				public function canViewProtectedVariables( $performer ): bool {
					return $performer->isAllowed( 'abusefilter-access-protected-vars' );
				}
			};
		}
	}

	/** As in AbuseFilter REL1_39 and REL1_43. */
	class GlobalNameUtils {
		public static function buildGlobalName( int $id, bool $global = true ): string {
			return ( $global ? 'global-' : '' ) . $id;
		}
	}
}

namespace MediaWiki\Extension\AbuseFilter\Consequences {
	class Parameters {
		public $throwOnFilter = false;

		public function __construct(
			private int $filterId = 7,
			private string $action = 'edit',
			private string $title = 'Sandbox'
		) {
		}

		public function getFilter(): object {
			if ( $this->throwOnFilter ) {
				throw new \RuntimeException( 'filter store unavailable' );
			}
			return new class( $this->filterId ) {
				public function __construct( private int $id ) {
				}

				public function getID(): int {
					return $this->id;
				}
			};
		}

		public function getIsGlobalFilter(): bool {
			return false;
		}

		public function getAction(): string {
			return $this->action;
		}

		public function getTarget(): object {
			return new class( $this->title ) {
				public function __construct( private string $text ) {
				}

				public function getNamespace(): int {
					return 0;
				}

				public function getText(): string {
					return $this->text;
				}
			};
		}
	}
}

namespace MediaWiki\Extension\ConfirmEdit\SimpleCaptcha {
	class SimpleCaptcha {
		public ?bool $nextAnswerPasses = null;
		public array $checked = [];
		public int $stored = 0;

		protected function getCaptchaParamsFromRequest( $request ) {
			return [ $request->getVal( 'wpCaptchaId' ), $request->getVal( 'wpCaptchaWord' ) ];
		}

		public ?\Throwable $failure = null;

		public function passCaptchaLimitedFromRequest( $request, $user ) {
			if ( $this->failure ) {
				throw $this->failure;
			}
			$this->checked[] = $request->getVal( 'wpCaptchaWord' );
			return $request->getVal( 'wpCaptchaWord' ) === 'guard';
		}

		protected function addCaptchaAPI( &$resultArr ) {
			$this->stored++;
			$resultArr['captcha'] = [ 'type' => 'question', 'id' => "id{$this->stored}", 'question' => 'Q?' ];
		}

		public function addFormToOutput( $out, $tabIndex = 1 ) {
			$out->addHTML( '<input name="wpCaptchaWord">' );
		}
	}
}

namespace MediaWiki\Extension\ConfirmEdit {
	use MediaWiki\Extension\ConfirmEdit\SimpleCaptcha\SimpleCaptcha;

	class Hooks {
		public static ?SimpleCaptcha $instance = null;

		public static function getInstance(): SimpleCaptcha {
			return self::$instance ??= new SimpleCaptcha();
		}
	}
}

namespace Psr\Log {
	if ( !interface_exists( LoggerInterface::class ) ) {
		interface LoggerInterface {
			public function log( $level, $message, array $context = [] );
		}
	}
}

namespace Psr\Container {
	if ( !interface_exists( ContainerInterface::class ) ) {
		interface ContainerInterface {
			public function get( string $id );

			public function has( string $id ): bool;
		}
	}
}

namespace MediaWiki {
	use MediaWiki\Extension\CaptchaGuard\Adapter\MediaWikiHost;
	use MediaWiki\Extension\CaptchaGuard\CaptchaGuardServices;
	use MediaWiki\Logger\LoggerFactory;
	use MediaWiki\User\UserNameUtils;
	use Psr\Container\ContainerInterface;

	/** Just the services the risk score code uses, and CaptchaGuard's Host built from them. */
	class MediaWikiServices implements ContainerInterface {
		public static ?MediaWikiServices $instance = null;

		public function __construct( public \FakeConfig $config, public \FakeStash $stash ) {
		}

		public static function getInstance(): MediaWikiServices {
			return self::$instance ??= new self( new \FakeConfig( [
				'CaptchaGuardAbuseFilterActions' => [ 'showcaptcha', 'forcecaptcha' ],
				'SecretKey' => 'test-secret',
				// Events of refused edits have nowhere to go (a warning, once per process).
				'CaptchaGuardEventLogFile' => false,
			] ), new \FakeStash() );
		}

		public function getMainConfig() {
			return $this->config;
		}

		public function getMainObjectStash() {
			return $this->stash;
		}

		public function getUserNameUtils() {
			return new UserNameUtils();
		}

		/** A new Host each time: tests change the services between handlers. */
		public function get( string $id ) {
			if ( $id !== CaptchaGuardServices::HOST ) {
				throw new \LogicException( "No stand-in for the service $id" );
			}
			return new MediaWikiHost(
				$this->config, LoggerFactory::getInstance( 'CaptchaGuard' ), $this->stash,
				$this->getUserNameUtils(), new \FakeSwitchSource()
			);
		}

		public function has( string $id ): bool {
			return $id === CaptchaGuardServices::HOST;
		}
	}
}

namespace MediaWiki\Revision {
	/** Only what the saved-edit event reads. */
	class RevisionRecord {
		public function __construct( private int $id ) {
		}

		public function getId() {
			return $this->id;
		}
	}
}

namespace MediaWiki\User {
	class UserNameUtils {
		public function isIP( $name ) {
			return filter_var( $name, FILTER_VALIDATE_IP ) !== false;
		}
	}

	interface UserIdentity {
		public function getId();

		public function getName();
	}
}

namespace MediaWiki\Logger {
	/**
	 * Records each log call: `$lines` with placeholders filled in as
	 * MediaWiki's PSR-3 loggers do, `$records` as they were made.
	 */
	class LoggerFactory {
		public static array $lines = [];
		public static array $records = [];

		public static function getInstance( string $channel ): object {
			return new class( $channel ) implements \Psr\Log\LoggerInterface {
				public function __construct( private string $channel ) {
				}

				public function log( $level, $message, array $context = [] ) {
					LoggerFactory::$records[] = [ $this->channel, $level, $message, $context ];
					$filled = preg_replace_callback( '/\{(\w+)\}/', static function ( $m ) use ( $context ) {
						$value = $context[$m[1]] ?? $m[0];
						return is_scalar( $value ) ? (string)$value : $m[0];
					}, $message );
					LoggerFactory::$lines[] = "{$this->channel} $level $filled";
				}

				public function warning( $message, $context = [] ) {
					$this->log( 'warning', $message, $context );
				}

				public function error( $message, $context = [] ) {
					$this->log( 'error', $message, $context );
				}
			};
		}
	}
}

namespace {
	class EditPage {
		public const AS_HOOK_ERROR_EXPECTED = 212;
	}

	interface Config {
		public function get( $name );

		public function has( $name );
	}

	abstract class BagOStuff {
	}

	/**
	 * The emergency switch's stored row for the handler's check: counts
	 * reads, throws on demand (EmergencyStore itself is tested on a real
	 * wiki, tests/phpunit/integration).
	 */
	class FakeSwitchSource implements MediaWiki\Extension\CaptchaGuard\Emergency\SwitchSource {
		public static ?array $row = null;
		public static int $loads = 0;
		public static ?Throwable $failure = null;

		public function currentSwitch(): ?MediaWiki\Extension\CaptchaGuard\Value\StoredSwitch {
			self::$loads++;
			if ( self::$failure ) {
				throw self::$failure;
			}
			return self::$row === null ? null : new MediaWiki\Extension\CaptchaGuard\Value\StoredSwitch( ...self::$row );
		}
	}

	/** The Host the handlers under test get: MediaWiki's, over the stand-in services. */
	function testHost(): MediaWiki\Extension\CaptchaGuard\Adapter\Host {
		return MediaWiki\Extension\CaptchaGuard\CaptchaGuardServices::getHost();
	}

	class FakeConfig implements Config {
		public ?Throwable $failure = null;

		public function __construct( public array $values ) {
		}

		public function get( $name ) {
			if ( $this->failure ) {
				throw $this->failure;
			}
			return $this->values[$name];
		}

		public function has( $name ) {
			return array_key_exists( $name, $this->values );
		}
	}

	class ExtensionRegistry {
		public static array $loaded = [];

		public static function getInstance() {
			return new self();
		}

		public function isLoaded( $name ) {
			return in_array( $name, self::$loaded, true );
		}
	}

	class FakeStash extends BagOStuff {
		public array $data = [];
		public array $ttl = [];
		public ?Throwable $failure = null;

		public function makeKey( ...$parts ) {
			return implode( ':', $parts );
		}

		public function get( $key ) {
			if ( $this->failure ) {
				throw $this->failure;
			}
			return $this->data[$key] ?? false;
		}

		public function set( $key, $value, $ttl = 0 ) {
			if ( $this->failure ) {
				throw $this->failure;
			}
			$this->data[$key] = $value;
			$this->ttl[$key] = $ttl;
			return true;
		}

		public function delete( $key ) {
			unset( $this->data[$key] );
			return true;
		}
	}

	class FakeSession {
		public array $data = [];
		public ?Throwable $failure = null;
		/** False: an anonymous visitor's session without a cookie, new in this request. */
		public bool $persistent = true;

		public function isPersistent() {
			return $this->persistent;
		}

		public function getId() {
			return 'session-' . spl_object_id( $this );
		}

		public function get( $key, $default = null ) {
			if ( $this->failure ) {
				throw $this->failure;
			}
			return $this->data[$key] ?? $default;
		}

		public function set( $key, $value ) {
			if ( $this->failure ) {
				throw $this->failure;
			}
			$this->data[$key] = $value;
		}

		public function remove( $key ) {
			unset( $this->data[$key] );
		}
	}

	class WebRequest {
	}

	/** A special page that is neither of AbuseFilter's. */
	class SpecialPage {
		public function __construct( private string $name ) {
		}

		public function getName() {
			return $this->name;
		}
	}

	/** An API module that checks no rules. */
	class ApiBase {
		public function __construct( private string $name ) {
		}

		public function getModuleName() {
			return $this->name;
		}
	}

	class FakeRequest extends WebRequest {
		public function __construct( public array $values = [], public ?FakeSession $session = null ) {
			$this->session ??= new FakeSession();
		}

		public function getValues() {
			return $this->values;
		}

		public function wasPosted() {
			return true;
		}

		public function getVal( $name, $default = null ) {
			return $this->values[$name] ?? $default;
		}

		public function setVal( $name, $value ) {
			$this->values[$name] = $value;
		}

		public function getSession() {
			return $this->session;
		}

		public function getIP() {
			return '192.0.2.7';
		}

		public function getHeader( $name ) {
			return $name === 'User-Agent' ? 'TestAgent/1.0' : false;
		}
	}

	/** Other values over the same session, as MediaWiki's DerivativeRequest. */
	class DerivativeRequest extends FakeRequest {
		public function __construct( FakeRequest $base, array $values, bool $posted = false ) {
			parent::__construct( $values, $base->session );
		}
	}

	class FakeUser implements MediaWiki\User\UserIdentity {
		public function __construct(
			public array $rights = [],
			public bool $system = false,
			public string $name = '192.0.2.7',
			public int $id = 0
		) {
		}

		public function getName() {
			return $this->name;
		}

		public function getId() {
			return $this->id;
		}

		public function isRegistered() {
			return $this->id > 0;
		}

		public ?Throwable $failure = null;

		public function isAllowed( $right ) {
			if ( $this->failure ) {
				throw $this->failure;
			}
			return in_array( $right, $this->rights, true );
		}

		public function isSystemUser() {
			return $this->system;
		}
	}

	class FakeStatus {
		public $value = null;
		public $statusData = null;
		public array $errors = [];

		public ?Throwable $failure = null;

		public function fatal( $key ) {
			if ( $this->failure ) {
				throw $this->failure;
			}
			$this->errors[] = $key;
		}

		public function isOK() {
			return !$this->errors;
		}
	}

	class OutputPage {
	}

	/** Only what the saved-edit event reads. */
	class WikiPage {
		public function __construct( private int $id ) {
		}

		public function getId() {
			return $this->id;
		}
	}

	class FakeOutput extends OutputPage {
		public string $html = '';
		public ?Throwable $failure = null;

		public function addHTML( $html ) {
			if ( $this->failure ) {
				throw $this->failure;
			}
			$this->html .= $html;
		}
	}

	class RequestContext {
		public static ?RequestContext $main = null;
		public FakeConfig $config;

		public function __construct( public FakeUser $user, public FakeRequest $request, ?FakeConfig $config = null ) {
			$this->config = $config ?? new FakeConfig( [
				'CaptchaGuardAbuseFilterActions' => [ 'showcaptcha', 'forcecaptcha' ],
			] );
		}

		public static function getMain(): RequestContext {
			return self::$main;
		}

		public function getUser() {
			return $this->user;
		}

		public function getAuthority() {
			return $this->user;
		}

		public function getRequest() {
			return $this->request;
		}

		public function getConfig() {
			return $this->config;
		}

		public function msg( $key ) {
			return new class( $key ) {
				public function __construct( private string $key ) {
				}

				public function parse() {
					return "<p>($this->key)</p>";
				}
			};
		}
	}
}

namespace MediaWiki\Extension\EventLogging {
	use MediaWiki\Logger\LoggerFactory;

	/**
	 * EventLogging's PHP entry point (REL1_43) with the checks of its
	 * EventBusEventSubmitter: an event without `$schema` is dropped with a
	 * warning on the EventLogging channel; `meta.stream` is always set.
	 */
	class EventLogging {
		public static array $sent = [];
		public static ?\Throwable $failure = null;

		public static function submit( string $streamName, array $event ): void {
			if ( self::$failure ) {
				throw self::$failure;
			}
			if ( !isset( $event['$schema'] ) ) {
				LoggerFactory::getInstance( 'EventLogging' )->warning(
					'Event data is missing required field "$schema"', [ 'event' => $event ] );
				return;
			}
			$event = array_replace_recursive( [ 'dt' => gmdate( 'Y-m-d\\TH:i:s\\Z' ) ], $event,
				[ 'meta' => [ 'stream' => $streamName ] ] );
			self::$sent[] = $event;
		}
	}
}
