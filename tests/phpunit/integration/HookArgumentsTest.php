<?php

use MediaWiki\Extension\CaptchaGuard\Hooks\AbuseFilterHandler;
use MediaWiki\Extension\CaptchaGuard\Hooks\ApiHandler;
use MediaWiki\Extension\CaptchaGuard\Hooks\EditFilterHandler;
use MediaWiki\Extension\CaptchaGuard\Hooks\EditFormHandler;
use MediaWiki\Extension\CaptchaGuard\Hooks\EmergencyCaptchaHandler;
use MediaWiki\Extension\CaptchaGuard\Hooks\PageDisplayHandler;
use MediaWiki\Extension\CaptchaGuard\Hooks\RiskScoreEventsHandler;
use MediaWiki\Status\Status;
use MediaWiki\Title\Title;

require_once __DIR__ . '/RequestTestCase.php';

/**
 * Other extensions call hooks with more arguments than core documents
 * (Wikibase passes a slot role to EditFilterMergedContent): every native hook
 * method accepts and ignores them, as a PHP handler would. The hooks get the
 * objects MediaWiki 1.43 passes them.
 *
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
class HookArgumentsTest extends RequestTestCase {

	private const EXTRA = 'an argument MediaWiki core does not document';

	public function testAbuseFilterHooks() {
		$handler = new AbuseFilterHandler( $this->host, [ 'showcaptcha' ] );
		$actions = [];
		$handler->onAbuseFilterCustomActions( $actions, self::EXTRA );
		$this->assertSame( [ 'showcaptcha' ], array_keys( $actions ) );
		$skip = [];
		$context = RequestContext::getMain();
		$this->assertNull( $handler->onAbuseFilterShouldFilterAction(
			null, Title::makeTitle( NS_MAIN, 'Page' ), $context->getUser(), $skip, self::EXTRA
		) );
	}

	public function testEditFilterMergedContent() {
		$context = RequestContext::getMain();
		$status = Status::newGood();
		$this->assertTrue( ( new EditFilterHandler( $this->host ) )->onEditFilterMergedContent(
			$context, new WikitextContent( 'text' ), $status, '', $context->getUser(), false, 'main', self::EXTRA
		) );
		$this->assertTrue( $status->isGood() );
	}

	public function testEditFormFields() {
		$out = RequestContext::getMain()->getOutput();
		( new EditFormHandler( $this->host ) )->onEditPage__showEditForm_fields( null, $out, self::EXTRA );
		$this->assertSame( '', $out->getHTML() );
	}

	public function testApiAfterExecute() {
		$main = new ApiMain( RequestContext::getMain() );
		// No edit went through the edit filter in this request: nothing to mark.
		$this->assertNull( ( new ApiHandler( $this->host ) )->onAPIAfterExecute( $main, self::EXTRA ) );
	}

	public function testBeforePageDisplay() {
		$out = RequestContext::getMain()->getOutput();
		$out->setTitle( Title::makeTitle( NS_MAIN, 'Page' ) );
		$this->assertNull( ( new PageDisplayHandler( $this->host, 0 ) )
			->onBeforePageDisplay( $out, RequestContext::getMain()->getSkin(), self::EXTRA ) );
		$this->assertSame( '', $out->getHTML() );
		$this->assertSame( [], $this->host->logs );
	}

	public function testConfirmEditTriggersCaptcha() {
		$result = false;
		$title = Title::makeTitle( NS_MAIN, 'Page' );
		( new EmergencyCaptchaHandler( $this->host, 5, WikiMap::getCurrentWikiId() ) )
			->onConfirmEditTriggersCaptcha( 'edit', $title, $result, self::EXTRA );
		$this->assertFalse( $result );
		// The per-call hot path takes a bounded number of extra arguments (see the method).
		( new EmergencyCaptchaHandler( $this->host, 5, WikiMap::getCurrentWikiId() ) )
			->onConfirmEditTriggersCaptcha( 'edit', $title, $result, 1, 2, 3 );
		$this->assertFalse( $result );
	}

	public function testRiskScoreEventHooks() {
		$file = tempnam( sys_get_temp_dir(), 'cg-events' );
		$GLOBALS['wgCaptchaGuardEventLogFile'] = $file;
		$handler = new RiskScoreEventsHandler( $this->host );
		[ $page, $revision ] = $this->savedEdit( 'Page', 4 );
		$alice = $this->user( 'Alice' );
		$handler->onPageSaveComplete( $page, $alice, '', 0, $revision, null, self::EXTRA );
		$handler->onLocalUserCreated( $alice, false, self::EXTRA );
		$events = array_map( 'json_decode', file( $file ) );
		unlink( $file );
		$this->assertSame( [ 4, $alice->getId() ], [ $events[0]->revisionId, $events[1]->userId ] );
		$this->assertSame( '/analytics/mediawiki/captchaguard/edit/1.0.0', $events[0]->{'$schema'} );
	}

	/**
	 * The stubs are generated from the module; what other PHP code calls is
	 * typed there (hook methods receive MediaWiki's objects as they come).
	 */
	public function testTheModulesOwnApiIsTyped() {
		$typed = [
			[ MediaWiki\Extension\CaptchaGuard\RiskScore::class, 'get', [ 'string' ], '?float' ],
			[ MediaWiki\Extension\CaptchaGuard\RiskScore::class, 'bucketed', [ 'string' ], 'float' ],
			[
				MediaWiki\Extension\CaptchaGuard\RiskScore::class, 'recordVerification',
				[ 'string', '?string', 'string', '?string', '?string' ], 'bool'
			],
			[
				MediaWiki\Extension\CaptchaGuard\RiskScore::class, 'siteKeyToShow',
				[ 'string', 'string' ], 'string'
			],
			[ MediaWiki\Extension\CaptchaGuard\RiskScore::class, 'verifiedInRequest', [ 'string' ], '?bool' ],
			[
				MediaWiki\Extension\CaptchaGuard\AbuseFilter\ConsequenceRunner::class, 'execute',
				[ MediaWiki\Extension\CaptchaGuard\Value\FilterHit::class, 'string' ], 'bool'
			],
			[
				MediaWiki\Extension\CaptchaGuard\Emergency\EmergencyPolicy::class, 'state',
				[ '?' . MediaWiki\Extension\CaptchaGuard\Value\StoredSwitch::class ],
				MediaWiki\Extension\CaptchaGuard\Value\SwitchState::class
			],
		];
		foreach ( $typed as [ $class, $method, $params, $return ] ) {
			$reflection = new ReflectionMethod( $class, $method );
			$this->assertSame(
				$params,
				array_map( static fn ( $p ) => (string)$p->getType(), $reflection->getParameters() ),
				"$class::$method"
			);
			$this->assertSame( $return, (string)$reflection->getReturnType(), "$class::$method" );
		}
	}
}
