<?php

namespace MediaWiki\Extension\CaptchaGuard\Adapter;

use Closure;
use MediaWiki\Extension\ConfirmEdit\Store\CaptchaStore;
use MediaWiki\MediaWikiServices;
use RequestContext;

/**
 * ConfirmEdit's CAPTCHA store ($wgCaptchaStorageClass), made single-use
 * across parallel requests and servers. ConfirmEdit reads a CAPTCHA's answer
 * and clears it after checking; requests sent at the same time with the same
 * answer all read it before any clears it, and each passes (four parallel
 * sign-ups with one answer made two accounts). Here the first request that
 * reads a CAPTCHA to check an answer (a POST) claims it in the object stash,
 * which every server shares; any other request then finds no such CAPTCHA
 * and is asked again. The request that claimed it may read it again.
 *
 * Everything else is the wiki's own store (Setup::onRegistration puts this in
 * front of it). ConfirmEdit builds the store itself, with no arguments, so
 * the services are looked up here.
 */
class SingleUseCaptchaStore extends CaptchaStore {

	/** The wiki's own $wgCaptchaStorageClass, set by Setup::onRegistration. */
	public const INNER_SETTING = 'CaptchaGuardInnerCaptchaStorageClass';

	private CaptchaStore $inner;
	/** @var array<string,bool> Indexes this request claimed */
	private array $claimedHere = [];

	protected function __construct() {
		parent::__construct();
		$class = MediaWikiServices::getInstance()->getMainConfig()->get( self::INNER_SETTING );
		// Stores are built only from their own scope (a protected constructor).
		$this->inner = Closure::bind( static fn () => new $class(), null, $class )();
	}

	public function store( $index, $info ) {
		$this->inner->store( $index, $info );
	}

	public function retrieve( $index ) {
		$info = $this->inner->retrieve( $index );
		if ( !$info || !RequestContext::getMain()->getRequest()->wasPosted() || isset( $this->claimedHere[$index] ) ) {
			// Showing a CAPTCHA (FancyCaptcha's image) uses nothing up.
			return $info;
		}
		// Looked up here: most requests build the store but check no answer.
		$claims = MediaWikiServices::getInstance()->getMainObjectStash();
		$claim = $claims->makeKey( 'captchaguard-captcha-used', sha1( (string)$index ) );
		if ( !$claims->add( $claim, 1, ConfirmEditCompat::captchaLifetime() ) ) {
			return false;
		}
		$this->claimedHere[$index] = true;
		return $info;
	}

	public function clear( $index ) {
		$this->inner->clear( $index );
	}

	public function cookiesNeeded() {
		return $this->inner->cookiesNeeded();
	}
}
