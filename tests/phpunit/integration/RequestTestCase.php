<?php

use MediaWiki\Extension\CaptchaGuard\Adapter\Host;
use MediaWiki\Extension\CaptchaGuard\CaptchaGuardServices;
use MediaWiki\MediaWikiServices;
use MediaWiki\Revision\MutableRevisionRecord;
use MediaWiki\Session\Session;
use MediaWiki\Title\Title;
use MediaWiki\User\User;
use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/ProbedHost.php';

/**
 * One web request to the real wiki. Subclasses run each test in its own PHP
 * process (@runTestsInSeparateProcesses), as each request starts with fresh
 * module state; the request and its user are set on MediaWiki's main
 * context, and the wiki's own host is the one the module gets, watched
 * through a ProbedHost.
 */
abstract class RequestTestCase extends TestCase {

	protected const IP = '192.0.2.7';
	protected const USER_AGENT = 'TestAgent/1.0';

	protected ProbedHost $host;

	protected function setUp(): void {
		parent::setUp();
		MediaWikiServices::getInstance()->addServiceManipulator(
			CaptchaGuardServices::HOST,
			static fn ( Host $wiki ) => new ProbedHost( $wiki )
		);
		$this->host = CaptchaGuardServices::getHost();
		$this->request();
	}

	/**
	 * This process's request: $values posted by $userName (a user wiki.sh
	 * made: Alice, Skipper, Exempt, Botty, Checker...), or by an anonymous
	 * visitor at self::IP; in a new session, or in $session (the same
	 * visitor's next request).
	 */
	protected function request(
		array $values = [], ?string $userName = null, ?Session $session = null
	): RequestContext {
		$request = new FauxRequest( $values, true, $session );
		$request->setIP( self::IP );
		$request->setHeader( 'User-Agent', self::USER_AGENT );
		$context = RequestContext::getMain();
		$context->setRequest( $request );
		$context->setUser( $this->user( $userName ) );
		return $context;
	}

	/**
	 * What PageSaveComplete gets for an edit of $title saved as revision
	 * $revisionId: the page and the revision.
	 */
	protected function savedEdit( string $title, int $revisionId ): array {
		$page = MediaWikiServices::getInstance()->getWikiPageFactory()
			->newFromTitle( Title::makeTitle( NS_MAIN, $title ) );
		$revision = new MutableRevisionRecord( $page->getTitle() );
		$revision->setId( $revisionId );
		return [ $page, $revision ];
	}

	protected function user( ?string $userName ): User {
		$users = MediaWikiServices::getInstance()->getUserFactory();
		if ( $userName === null ) {
			return $users->newAnonymous( self::IP );
		}
		$user = $users->newFromName( $userName );
		$this->assertTrue( $user && $user->isRegistered(), "$userName (made by wiki.sh)" );
		return $user;
	}

	protected function session(): Session {
		return RequestContext::getMain()->getRequest()->getSession();
	}

	protected function loggedLine( string $pattern ): array {
		return preg_grep( $pattern, $this->host->logLines() );
	}
}
