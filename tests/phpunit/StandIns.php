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

		public function passCaptchaLimitedFromRequest( $request, $user ) {
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

namespace MediaWiki\Extension\CaptchaGuard\Emergency {
	/** Stands in for the database-backed store; counts reads. */
	class EmergencyStore {
		public static ?array $row = null;
		public static int $loads = 0;

		public static function currentForHook(): ?array {
			self::$loads++;
			return self::$row;
		}
	}
}

namespace MediaWiki {
	/** Just the services the risk score code uses. */
	class MediaWikiServices {
		public static ?MediaWikiServices $instance = null;

		public function __construct( public \FakeConfig $config, public \FakeStash $stash ) {
		}

		public static function getInstance(): MediaWikiServices {
			return self::$instance;
		}

		public function getMainConfig() {
			return $this->config;
		}

		public function getMainObjectStash() {
			return $this->stash;
		}
	}
}

namespace MediaWiki\Logger {
	class LoggerFactory {
		public static array $lines = [];

		public static function getInstance( string $channel ): object {
			return new class( $channel ) {
				public function __construct( private string $channel ) {
				}

				public function warning( $message, $context = [] ) {
					LoggerFactory::$lines[] = "{$this->channel} warning $message";
				}

				public function error( $message, $context = [] ) {
					LoggerFactory::$lines[] = "{$this->channel} error $message";
				}
			};
		}
	}
}

namespace {
	class EditPage {
		public const AS_HOOK_ERROR_EXPECTED = 212;
	}

	class FakeConfig {
		public function __construct( public array $values ) {
		}

		public function get( $name ) {
			return $this->values[$name];
		}
	}

	class ExtensionRegistry {
		public static function getInstance() {
			return new self();
		}

		public function isLoaded( $name ) {
			return false;
		}
	}

	class FakeStash {
		public array $data = [];
		public array $ttl = [];

		public function makeKey( ...$parts ) {
			return implode( ':', $parts );
		}

		public function get( $key ) {
			return $this->data[$key] ?? false;
		}

		public function set( $key, $value, $ttl = 0 ) {
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

		public function get( $key, $default = null ) {
			return $this->data[$key] ?? $default;
		}

		public function set( $key, $value ) {
			$this->data[$key] = $value;
		}

		public function remove( $key ) {
			unset( $this->data[$key] );
		}
	}

	class FakeRequest {
		public function __construct( public array $values = [], public ?FakeSession $session = null ) {
			$this->session ??= new FakeSession();
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

	class FakeUser {
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

		public function isAllowed( $right ) {
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

		public function fatal( $key ) {
			$this->errors[] = $key;
		}

		public function isOK() {
			return !$this->errors;
		}
	}

	class FakeOutput {
		public string $html = '';

		public function addHTML( $html ) {
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

		public function getRequest() {
			return $this->request;
		}

		public function getConfig() {
			return $this->config;
		}
	}
}
