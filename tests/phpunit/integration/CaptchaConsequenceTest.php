<?php

use MediaWiki\Api\ApiMessage;
use MediaWiki\Extension\AbuseFilter\ActionSpecifier;
use MediaWiki\Extension\AbuseFilter\Consequences\Consequence\HookAborterConsequence;
use MediaWiki\Extension\AbuseFilter\Consequences\Parameters;
use MediaWiki\Extension\AbuseFilter\Filter\ExistingFilter;
use MediaWiki\Extension\AbuseFilter\Filter\Flags;
use MediaWiki\Extension\AbuseFilter\Filter\LastEditInfo;
use MediaWiki\Extension\AbuseFilter\Filter\Specs;
use MediaWiki\Extension\CaptchaGuard\AbuseFilter\AbuseFilterCompat;
use MediaWiki\Extension\CaptchaGuard\AbuseFilter\CaptchaConsequence;
use MediaWiki\Extension\CaptchaGuard\Adapter\ConfirmEditCompat;
use MediaWiki\Extension\CaptchaGuard\Hooks\AbuseFilterHandler;
use MediaWiki\Extension\CaptchaGuard\Hooks\EditFilterHandler;
use MediaWiki\Extension\CaptchaGuard\Hooks\EditFormHandler;
use MediaWiki\Extension\CaptchaGuard\Hooks\EmergencyCaptchaHandler;
use MediaWiki\Extension\CaptchaGuard\Hooks\RefusedFormHandler;
use MediaWiki\Extension\ConfirmEdit\Hooks as ConfirmEditHooks;
use MediaWiki\Extension\ConfirmEdit\Store\CaptchaStore;
use MediaWiki\MediaWikiServices;
use MediaWiki\SpecialPage\SpecialPage;
use MediaWiki\Status\Status;
use MediaWiki\Title\TitleValue;
use MediaWiki\User\User;

require_once __DIR__ . '/RequestTestCase.php';
require_once __DIR__ . '/ThrowingQuestyCaptcha.php';

/**
 * The consequence and the edit hook in the real wiki, with the real
 * AbuseFilter's Parameters, ConfirmEdit's QuestyCaptcha (the answer is
 * "guard") and MediaWiki's Status, in both orders AbuseFilter and
 * CaptchaGuard's hook can run in. Each test is one request in its own PHP
 * process; failures are injected where MediaWiki can fail: the host's
 * session, configuration and rights, AbuseFilter's filter, the Status,
 * the output and ConfirmEdit.
 *
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
class CaptchaConsequenceTest extends RequestTestCase {

	private function params(
		int $filter = 7, string $action = 'edit', string $page = 'Page', bool $unreadable = false
	): Parameters {
		$existing = new ExistingFilter(
			new Specs( 'true', '', "Filter $filter", [ 'showcaptcha' ], 'default' ),
			new Flags( true, false, 0, false ),
			[ 'showcaptcha' => [] ],
			new LastEditInfo( 1, 'Checker', '20260101000000' ),
			$filter
		);
		$target = $action === 'createaccount'
			? new TitleValue( NS_SPECIAL, 'CreateAccount' )
			: new TitleValue( NS_MAIN, $page );
		$specifier = new ActionSpecifier( $action, $target, RequestContext::getMain()->getUser(), self::IP,
			$action === 'createaccount' ? 'Newcomer' : null );
		if ( !$unreadable ) {
			return new Parameters( $existing, false, $specifier );
		}
		return new class( $existing, false, $specifier ) extends Parameters {
			public function getFilter(): ExistingFilter {
				throw new RuntimeException( 'filter store down' );
			}
		};
	}

	/** A CAPTCHA ConfirmEdit asked this session, as the edit form got it: its ID. */
	private function storedCaptcha(): string {
		$captcha = ConfirmEditHooks::getInstance();
		return $captcha->storeCaptcha( $captcha->getCaptcha() );
	}

	/** The next request of the same session, with a new ConfirmEdit as each request has. */
	private function nextRequest( array $values ): void {
		$this->request( $values, null, $this->session() );
		( static function () {
			static::$instance = null;
		} )->bindTo( null, ConfirmEditHooks::class )();
	}

	private function editFilter( Status $status ): bool {
		$context = RequestContext::getMain();
		return ( new EditFilterHandler( $this->host ) )->onEditFilterMergedContent(
			$context, new WikitextContent( 'spam' ), $status, 'summary', $context->getUser(), false
		);
	}

	private function runEdit( string $action, bool $hookFirst, ?Parameters $params = null ): array {
		$status = Status::newGood();
		$hookResults = [];
		if ( $hookFirst ) {
			$hookResults[] = $this->editFilter( $status );
		}
		$taken = ( new CaptchaConsequence( $params ?? $this->params(), $action ) )->execute();
		if ( !$hookFirst ) {
			$hookResults[] = $this->editFilter( $status );
		}
		return [ $taken, $status, $hookResults ];
	}

	private static function errorKeys( Status $status ): array {
		return array_map(
			static fn ( $error ) => is_string( $error['message'] ) ? $error['message'] : $error['message']->getKey(),
			$status->getErrors()
		);
	}

	private function pendingWarnKeys(): ?array {
		$stored = $this->session()->get( 'captchaguard-pending-warn-keys' );
		return $stored === null ? null : json_decode( $stored, true );
	}

	private static function warnKey( string $page, int $filter = 3 ): string {
		return 'abusefilter-warned-' . md5( "0:$page" ) . "-$filter-edit";
	}

	public static function provideOrders(): array {
		return [ 'our hook first' => [ true ], 'AbuseFilter first' => [ false ] ];
	}

	/** @dataProvider provideOrders */
	public function testAnonymousEditIsStoppedWithACaptcha( bool $hookFirst ) {
		[ $taken, $status, $hookResults ] = $this->runEdit( 'showcaptcha', $hookFirst );
		$this->assertTrue( $taken, 'AbuseLog records the action' );
		$this->assertSame( [ 'captchaguard-flagged' ], self::errorKeys( $status ) );
		$this->assertSame( EditPage::AS_HOOK_ERROR_EXPECTED, $status->value );
		$this->assertSame( 'question', $status->statusData['captcha']['type'] );
		$this->assertSame( 'Type the word guard', $status->statusData['captcha']['question'] );
		$this->assertSame( 'captchaguard-flagged', $status->statusData['captcha']['captchaguard']['code'] );
		$this->assertSame( $hookFirst ? [ true ] : [ false ], $hookResults );
	}

	public function testWrongAnswerSaysIncorrect() {
		$id = $this->storedCaptcha();
		$this->nextRequest( [ 'captchaid' => $id, 'captchaword' => 'nope' ] );
		[ $taken, $status ] = $this->runEdit( 'showcaptcha', false );
		$this->assertTrue( $taken );
		$this->assertSame( [ 'captchaguard-wrong-answer' ], self::errorKeys( $status ) );
		$this->assertFalse( CaptchaStore::get()->retrieve( $id ), 'ConfirmEdit checked it, and a CAPTCHA is answered once' );
		$this->assertNotSame( $id, $status->statusData['captcha']['id'], 'a new CAPTCHA to answer' );
	}

	public function testRightAnswerLetsTheEditThroughAndIsNotLogged() {
		$id = $this->storedCaptcha();
		$this->nextRequest( [ 'wpCaptchaId' => $id, 'wpCaptchaWord' => 'guard' ] );
		[ $taken, $status, $hookResults ] = $this->runEdit( 'forcecaptcha', false );
		$this->assertFalse( $taken );
		$this->assertSame( [], self::errorKeys( $status ) );
		$this->assertSame( [ true ], $hookResults );
	}

	public static function provideNotChallenged(): array {
		return [
			'skipcaptcha, showcaptcha' => [ 'Skipper', 'showcaptcha' ],
			'exempt, showcaptcha' => [ 'Exempt', 'showcaptcha' ],
			'exempt, forcecaptcha' => [ 'Exempt', 'forcecaptcha' ],
			'bot, forcecaptcha' => [ 'Botty', 'forcecaptcha' ],
		];
	}

	/** @dataProvider provideNotChallenged */
	public function testUsersWhoAreNotChallenged( string $userName, string $action ) {
		$this->request( [], $userName );
		[ $taken, $status ] = $this->runEdit( $action, true );
		$this->assertFalse( $taken );
		$this->assertSame( [], self::errorKeys( $status ) );
		$this->assertNull( $status->statusData );
	}

	public function testSystemUserIsNotChallenged() {
		RequestContext::getMain()->setUser( User::newSystemUser( 'CaptchaGuard test system', [ 'steal' => true ] ) );
		[ $taken ] = $this->runEdit( 'forcecaptcha', true );
		$this->assertFalse( $taken );
	}

	public function testForceCaptchaChallengesSkipCaptchaUsers() {
		$this->request( [], 'Skipper' );
		[ $taken, $status ] = $this->runEdit( 'forcecaptcha', true );
		$this->assertTrue( $taken );
		$this->assertSame( [ 'captchaguard-flagged' ], self::errorKeys( $status ) );
	}

	public function testDisabledActionDoesNothing() {
		$GLOBALS['wgCaptchaGuardAbuseFilterActions'] = [ 'forcecaptcha' ];
		[ $taken, $status ] = $this->runEdit( 'showcaptcha', true );
		$this->assertFalse( $taken );
		$this->assertSame( [], self::errorKeys( $status ) );
	}

	public function testUncoveredActionIsLoggedOnceAndDoesNothing() {
		$delete = $this->params( 9, 'delete' );
		$this->assertFalse( ( new CaptchaConsequence( $delete, 'showcaptcha' ) )->execute() );
		$this->assertFalse( ( new CaptchaConsequence( $delete, 'showcaptcha' ) )->execute() );
		$this->assertCount( 1, $this->loggedLine( "/Filter 9 has showcaptcha.*'delete'/" ) );
	}

	public function testTheRegisteredActionsAreAbuseFiltersFactories() {
		$actions = [];
		( new AbuseFilterHandler( $this->host, [ 'showcaptcha', 'forcecaptcha' ] ) )->onAbuseFilterCustomActions( $actions );
		$this->assertSame( [ 'showcaptcha', 'forcecaptcha' ], array_keys( $actions ) );
		foreach ( $actions as $name => $factory ) {
			$this->assertIsCallable( $factory, $name );
			$this->assertInstanceOf( CaptchaConsequence::class, $factory( $this->params() ) );
		}
	}

	public function testTheEditFormShowsTheCaptchaThatWasDemanded() {
		$this->runEdit( 'showcaptcha', true );
		$out = RequestContext::getMain()->getOutput();
		( new EditFormHandler( $this->host ) )->onEditPage__showEditForm_fields( null, $out );
		$this->assertStringContainsString( 'id="captchaguard-prompt"', $out->getHTML() );
		$this->assertStringContainsString( 'Type the word guard', $out->getHTML() );
	}

	public function testNoDemandNoCaptchaInTheEditForm() {
		$out = RequestContext::getMain()->getOutput();
		( new EditFormHandler( $this->host ) )->onEditPage__showEditForm_fields( null, $out );
		$this->assertSame( '', $out->getHTML() );
	}

	public function testPendingCaptchaKeepsTheWarningFromRepeating() {
		$this->runEdit( 'showcaptcha', true, $this->params( 3, 'edit', 'Page' ) );
		$warnKey = self::warnKey( 'Page' );
		$pending = $this->pendingWarnKeys();
		$this->assertSame( [ $warnKey ], array_column( $pending, 'key' ) );
		$this->assertEqualsWithDelta( time(), $pending[0]['set_at'], 5 );
		// AbuseFilter's warn has since cleared its key; the next save must pass it.
		$this->session()->set( $warnKey, false );
		$skip = [];
		( new AbuseFilterHandler( $this->host, [ 'showcaptcha' ] ) )
			->onAbuseFilterShouldFilterAction( null, null, null, $skip );
		$this->assertTrue( $this->session()->get( $warnKey ) );
	}

	/** @dataProvider provideOrders */
	public function testUnreadableFilterStillDemandsTheCaptcha( bool $hookFirst ) {
		[ $taken, $status ] = $this->runEdit( 'showcaptcha', $hookFirst, $this->params( 7, 'edit', 'Page', true ) );
		$this->assertTrue( $taken );
		$this->assertSame( [ 'captchaguard-flagged' ], self::errorKeys( $status ) );
		[ [ , $message, $context ] ] = $this->host->logged( 'error' );
		$this->assertSame( 'Could not read the matching filter of {action}, demanding a CAPTCHA anyway', $message );
		$this->assertSame( 'filter store down', $context['exception']->getMessage() );
	}

	/** @dataProvider provideOrders */
	public function testAThrowingSessionStillDemandsTheCaptchaAndIsLoggedWithContext( bool $hookFirst ) {
		$down = new RuntimeException( 'session store down' );
		$this->host->failures = [ 'sessionGet' => $down, 'sessionSet' => $down ];
		[ $taken, $status ] = $this->runEdit( 'showcaptcha', $hookFirst );
		$this->assertTrue( $taken, 'the exception did not escape the consequence' );
		$this->assertSame( [ 'captchaguard-flagged' ], self::errorKeys( $status ) );
		// The outcome count is lost (logged first), then the pending state; the CAPTCHA stands.
		[ [ , $countMessage, $countContext ], [ $level, $message, $logContext ] ] = $this->host->logged( 'error' );
		$this->assertStringContainsString( 'Could not count the CAPTCHA outcome', $countMessage );
		$this->assertSame( [ '7', $down ], [ $countContext['source'], $countContext['exception'] ] );
		$this->assertSame( 'error', $level );
		$this->assertStringContainsString( '{filter}', $message, 'placeholders, not an interpolated string' );
		$this->assertSame( '7', $logContext['filter'] );
		$this->assertSame( $down, $logContext['exception'] );
	}

	/** @dataProvider provideOrders */
	public function testAFailingBeforeChallengeHookLeavesTheCaptcha( bool $hookFirst ) {
		$this->host->failures = [ 'beforeChallenge' => new RuntimeException( 'hook broken' ) ];
		[ $taken, $status ] = $this->runEdit( 'showcaptcha', $hookFirst );
		$this->assertTrue( $taken );
		$this->assertSame( [ 'captchaguard-flagged' ], self::errorKeys( $status ) );
		[ [ , $message, $context ] ] = $this->host->logged( 'error' );
		$this->assertStringContainsString( 'CaptchaGuardBeforeChallenge hook failed', $message );
		$this->assertSame( '7', $context['filter'] );
	}

	public function testAnExtensionCanSkipAChallengeButNotClaimACoveredAction() {
		$seen = [];
		MediaWikiServices::getInstance()->getHookContainer()->register( 'CaptchaGuardBeforeChallenge',
			static function ( $filter, $captchaAction, $filteredAction, $page, &$challenge, &$claim ) use ( &$seen ) {
				$seen[] = [ $filter, $captchaAction, $filteredAction, $page, $challenge ];
				$challenge = false;
				$claim = true;
			}
		);
		[ $taken, $status ] = $this->runEdit( 'showcaptcha', false, $this->params( 7, 'edit', 'Some page' ) );
		$this->assertFalse( $taken, 'skipped: AbuseLog lists no action' );
		$this->assertSame( [], self::errorKeys( $status ) );
		$this->assertSame( [ [ '7', 'showcaptcha', 'edit', 'Some page', true ] ], $seen );
	}

	public function testAThrowingStatusStillStopsTheEdit() {
		$status = new class extends Status {
			public function fatal( $message, ...$parameters ) {
				throw new RuntimeException( 'status broken' );
			}
		};
		( new CaptchaConsequence( $this->params(), 'showcaptcha' ) )->execute();
		$this->assertFalse( $this->editFilter( $status ), 'the edit is stopped although its Status could not be written' );
		$this->assertNotEmpty( $this->loggedLine( '/Could not show the CAPTCHA demanded by filter 7.*status broken/' ) );
	}

	public static function provideThrowingDependencies(): array {
		return [
			'ConfirmEdit' => [ 'confirmedit' ],
			'the configuration' => [ 'config' ],
			'the user\'s rights' => [ 'rights' ],
		];
	}

	/**
	 * Whatever MediaWiki dependency throws while a filter asks for a CAPTCHA,
	 * the edit is stopped with one and the failure is logged with its context.
	 * @dataProvider provideThrowingDependencies
	 */
	public function testAThrowingDependencyStillStopsTheEdit( string $failing ) {
		$failure = new RuntimeException( "$failing unavailable" );
		if ( $failing === 'confirmedit' ) {
			$GLOBALS['wgCaptchaClass'] = ThrowingQuestyCaptcha::class;
			$failure = null;
		} elseif ( $failing === 'config' ) {
			$this->host->failures['config'] = $failure;
		} else {
			$this->host->failures = [ 'performer' => $failure, 'isExempt' => $failure ];
		}
		$id = $this->storedCaptcha();
		$this->nextRequest( [ 'captchaid' => $id, 'captchaword' => 'guard' ] );
		[ $taken, $status, $hookResults ] = $this->runEdit( 'showcaptcha', false );
		$this->assertTrue( $taken );
		$this->assertSame( [ false ], $hookResults, 'the edit is stopped' );
		$this->assertSame( [ 'captchaguard-flagged' ], self::errorKeys( $status ) );
		// Without configuration the refused edit's event cannot be sent either: its own error.
		$logged = array_values( array_filter( $this->host->logged( 'error' ),
			static fn ( $record ) => !str_starts_with( $record[1], 'Could not send the {event} event' ) ) );
		$this->assertCount( 1, $logged, implode( "\n", $this->host->logLines() ) );
		$exception = $logged[0][2]['exception'];
		if ( $failure ) {
			$this->assertSame( $failure, $exception );
		} else {
			$this->assertSame( 'confirmedit unavailable', $exception->getMessage() );
		}
	}

	public function testAThrowingOutputIsLoggedAndTheFormStillRenders() {
		$this->runEdit( 'showcaptcha', true );
		$out = new class( RequestContext::getMain() ) extends OutputPage {
			public function addHTML( $text ) {
				throw new RuntimeException( 'output closed' );
			}
		};
		( new EditFormHandler( $this->host ) )->onEditPage__showEditForm_fields( null, $out );
		$this->assertNotEmpty( $this->loggedLine( '/Could not add the CAPTCHA to the edit form: .*output closed/' ) );
	}

	public function testAPendingWarningLapsesWithItsCaptcha() {
		$warnKey = self::warnKey( 'Page' );
		// Set longer ago than a CAPTCHA lives ($wgCaptchaSessionExpiration, 1800 s by default).
		$this->session()->set( 'captchaguard-pending-warn-keys',
			json_encode( [ [ 'key' => $warnKey, 'set_at' => time() - 1801 ] ] ) );
		// As the module set it while the CAPTCHA was pending.
		$this->session()->set( $warnKey, true );
		$this->rearmWarnings();
		$this->assertNull( $this->session()->get( $warnKey ), 'unset: the filter warns again' );
		$this->assertNull( $this->pendingWarnKeys(), 'nothing pending is kept' );
	}

	private function rearmWarnings(): void {
		$skip = [];
		( new AbuseFilterHandler( $this->host, [ 'showcaptcha' ] ) )
			->onAbuseFilterShouldFilterAction( null, null, null, $skip );
	}

	public function testPendingWarningsAreBoundedAndThoseLeftOutAreUnset() {
		for ( $page = 0; $page < 20; $page++ ) {
			// Each save starts by setting the pending keys again, as AbuseFilter's hook runs first.
			$this->rearmWarnings();
			$this->runEdit( 'showcaptcha', true, $this->params( 3, 'edit', "Page $page" ) );
		}
		$this->assertCount( 8, $this->pendingWarnKeys() );
		$this->rearmWarnings();
		$set = array_filter(
			range( 0, 19 ),
			fn ( $page ) => $this->session()->get( self::warnKey( "Page $page" ) ) === true
		);
		// The 12 pushed out are no longer set: a session keeps no more than the list.
		$this->assertSame( range( 12, 19 ), array_values( $set ) );
	}

	private function signUpNeedsCaptcha(): bool {
		$result = false;
		( new EmergencyCaptchaHandler( $this->host, 5, WikiMap::getCurrentWikiId() ) )
			->onConfirmEditTriggersCaptcha( 'createaccount', null, $result );
		return $result;
	}

	public function testASignUpIsStoppedUntilItsCaptchaIsAnswered() {
		$signUp = $this->params( 5, 'createaccount' );
		$consequence = CaptchaConsequence::newShowCaptcha( $signUp );
		// No edit Status to stop: AbuseFilter fails the sign-up with this message.
		$this->assertInstanceOf( HookAborterConsequence::class, $consequence );
		$this->assertSame( [ 'captchaguard-createaccount-flagged', 'Filter 5', '5' ], $consequence->getMessage() );
		$this->assertNotInstanceOf( HookAborterConsequence::class, CaptchaConsequence::newShowCaptcha( $this->params() ) );

		$this->assertFalse( $this->signUpNeedsCaptcha() );
		$this->assertTrue( $consequence->execute() );
		$until = $this->session()->get( 'captchaguard-createaccount-captcha-until' );
		$this->assertGreaterThan( time(), $until );
		$this->assertTrue( $this->signUpNeedsCaptcha(), 'ConfirmEdit must show its CAPTCHA' );

		$this->nextRequest( [ 'captchaId' => $this->storedCaptcha(), 'captchaWord' => 'wrong' ] );
		$this->assertTrue( CaptchaConsequence::newShowCaptcha( $signUp )->execute() );
		$this->assertTrue( $this->signUpNeedsCaptcha() );

		$this->nextRequest( [ 'captchaId' => $this->storedCaptcha(), 'captchaWord' => 'guard' ] );
		$this->assertFalse( CaptchaConsequence::newShowCaptcha( $signUp )->execute() );
		$this->assertNull( $this->session()->get( 'captchaguard-createaccount-captcha-until' ) );
		$this->assertFalse( $this->signUpNeedsCaptcha(), 'answered: not asked again' );
	}

	/** Special:MovePage as drawn, with or without its form: the CAPTCHA's place. */
	private function movePage( bool $withForm ): SpecialPage {
		$special = MediaWikiServices::getInstance()->getSpecialPageFactory()->getPage( 'Movepage' );
		$special->setContext( RequestContext::getMain() );
		$special->getOutput()->clearHTML();
		$special->getOutput()->addHTML( $withForm
			? "<p>before</p><form method='post' id='movepage'><input name='wpNewTitleMain'></form>"
			: '<p>no form</p>' );
		return $special;
	}

	public function testAMoveIsRefusedWithTheCaptchaInItsForm() {
		$move = $this->params( 6, 'move' );
		$consequence = CaptchaConsequence::newShowCaptcha( $move );
		// No edit Status to stop: AbuseFilter refuses the move with this message.
		$this->assertInstanceOf( HookAborterConsequence::class, $consequence );
		$this->assertTrue( $consequence->execute() );
		$this->assertSame( [ 'captchaguard-move-flagged', 'Filter 6', '6' ], $consequence->getMessage() );

		$special = $this->movePage( true );
		( new RefusedFormHandler( $this->host ) )->onSpecialPageAfterExecute( $special, null, 'more' );
		$this->assertMatchesRegularExpression(
			"#<form method='post' id='movepage'><div id=\"captchaguard-prompt\"[^>]*>.*Type the word guard.*"
				. "name=\"wpCaptchaWord\".*</div><input name='wpNewTitleMain'>#s",
			$special->getOutput()->getHTML()
		);

	}

	public function testAWrongAnswerToAMoveSaysSo() {
		$this->nextRequest( [ 'wpCaptchaId' => $this->storedCaptcha(), 'wpCaptchaWord' => 'wrong' ] );
		$wrong = CaptchaConsequence::newShowCaptcha( $this->params( 6, 'move' ) );
		$this->assertTrue( $wrong->execute() );
		$this->assertSame( [ 'captchaguard-move-wrong-answer', 'Filter 6', '6' ], $wrong->getMessage() );
	}

	public function testOneRightAnswerLetsTheMoveThroughForEveryFilter() {
		// Every filter that matches the move (and its talk page's) gets the one answer.
		$this->nextRequest( [ 'wpCaptchaId' => $this->storedCaptcha(), 'wpCaptchaWord' => 'guard' ] );
		$this->assertFalse( CaptchaConsequence::newShowCaptcha( $this->params( 6, 'move' ) )->execute() );
		$this->assertFalse( CaptchaConsequence::newForceCaptcha( $this->params( 8, 'move' ) )->execute() );
		$special = $this->movePage( true );
		( new RefusedFormHandler( $this->host ) )->onSpecialPageAfterExecute( $special, null );
		$this->assertStringNotContainsString( 'wpCaptchaWord', $special->getOutput()->getHTML() );
	}

	public function testAMoveFormThatCannotTakeTheCaptchaIsLogged() {
		$this->assertTrue( CaptchaConsequence::newShowCaptcha( $this->params( 6, 'move' ) )->execute() );
		$special = $this->movePage( false );
		( new RefusedFormHandler( $this->host ) )->onSpecialPageAfterExecute( $special, null );
		$this->assertSame( '<p>no form</p>', $special->getOutput()->getHTML() );
		$this->assertCount( 1, $this->loggedLine( '/form movepage was not on the page/' ) );
	}

	public function testAnUploadIsRefusedWithWhatAbuseFiltersUploadHandlerReads() {
		$upload = $this->params( 4, 'upload' );
		$consequence = CaptchaConsequence::newShowCaptcha( $upload );
		$this->assertInstanceOf( HookAborterConsequence::class, $consequence );
		$this->assertTrue( $consequence->execute() );
		// AbuseFilter's upload handler reads the filter's description and name from the message.
		$this->assertSame( [ 'captchaguard-upload-flagged', 'Filter 4', '4' ], $consequence->getMessage() );
		// Through the API the message carries the CAPTCHA, and 1.43 takes one message with those parameters.
		$withCaptcha = AbuseFilterCompat::aborterMessage(
			new ApiMessage( 'captchaguard-upload-flagged', 'captchaguard-upload-flagged', [ 'captcha' => [] ] ), $upload
		);
		$this->assertCount( 1, $withCaptcha );
		$this->assertInstanceOf( ApiMessage::class, $withCaptcha[0] );
		$this->assertSame( [ 'Filter 4', '4' ], $withCaptcha[0]->getParams() );
		$this->assertSame( [ 'captcha' => [] ], $withCaptcha[0]->getApiData() );
	}

	public function testTheHelpLineUnderEveryCaptchaFollowsItsSetting() {
		$this->assertStringContainsString( 'Special:ListUsers/sysop', ConfirmEditCompat::helpLine() );
		$GLOBALS['wgCaptchaGuardExemptionPage'] = 'Project:CAPTCHA exemption';
		$line = ConfirmEditCompat::helpLine();
		$this->assertStringContainsString( 'class="captchaguard-help"', $line );
		$this->assertStringContainsString( 'CAPTCHA_exemption', $line );
		$GLOBALS['wgCaptchaGuardExemptionPage'] = false;
		$this->assertSame( '', ConfirmEditCompat::helpLine() );
	}
}
