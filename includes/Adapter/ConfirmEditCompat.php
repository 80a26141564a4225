<?php

namespace MediaWiki\Extension\CaptchaGuard\Adapter;

use ApiBase;
use ApiMessage;
use DerivativeRequest;
use EditPage;
use ExtensionRegistry;
use Html;
use MediaWiki\Cache\CacheKeyHelper;
use MediaWiki\Extension\ConfirmEdit\Hooks as ConfirmEditHooks;
use MediaWiki\Extension\ConfirmEdit\SimpleCaptcha\SimpleCaptcha;
use MediaWiki\MediaWikiServices;
use Message;
use MessageLocalizer;
use OutputPage;
use RequestContext;
use SpecialPage;
use WeakMap;
use WebRequest;

/**
 * Everything CaptchaGuard knows of ConfirmEdit's internals, in one place.
 * Matches ConfirmEdit as shipped with MediaWiki 1.39 (REL1_39) and 1.43 (REL1_43).
 *
 * ConfirmEdit 1.43's setForceShowCaptcha() is deliberately not used: it makes
 * ConfirmEdit (re-run by AbuseFilter 1.43) write its own error and a second,
 * different CAPTCHA into the same edit Status as ours.
 */
final class ConfirmEditCompat {

	/**
	 * Other names of the answer fields => the edit form's, which ConfirmEdit reads:
	 * the edit API's, and account creation's (API, and the sign-up form's wp-prefixed).
	 */
	private const ANSWER_FIELD_NAMES = [
		'captchaid' => 'wpCaptchaId', 'captchaword' => 'wpCaptchaWord',
		'captchaId' => 'wpCaptchaId', 'captchaWord' => 'wpCaptchaWord',
		'wpcaptchaId' => 'wpCaptchaId', 'wpcaptchaWord' => 'wpCaptchaWord',
	];

	/** @var WeakMap<WebRequest,string>|null Each request's answer, once checked (1.39) */
	private static ?WeakMap $checked = null;

	private static function captcha(): SimpleCaptcha {
		return ConfirmEditHooks::getInstance();
	}

	/**
	 * Checks the answer sent with this request, once per request whoever asks
	 * first (ConfirmEdit or CaptchaGuard). No answer is not a wrong answer:
	 * it is the first time the user is asked.
	 *
	 * @return string One of AnswerOutcome's constants (the module names them)
	 */
	public static function checkAnswer(): string {
		$captcha = self::captcha();
		// 1.43 remembers the outcome of this request's check.
		if ( method_exists( $captcha, 'isCaptchaSolved' ) && $captcha->isCaptchaSolved() !== null ) {
			return $captcha->isCaptchaSolved() ? AnswerOutcome::RIGHT : AnswerOutcome::WRONG;
		}
		if ( !self::answerGiven() ) {
			return AnswerOutcome::NONE;
		}
		$context = RequestContext::getMain();
		$request = $context->getRequest();
		// 1.39 does not, and a CAPTCHA is used up by its check: a second filter
		// matching the same action (a move's talk page) gets the first outcome.
		self::$checked ??= new WeakMap();
		self::$checked[$request] ??= $captcha->passCaptchaLimitedFromRequest(
			self::answerRequest( $request ), $context->getUser()
		) ? AnswerOutcome::RIGHT : AnswerOutcome::WRONG;
		return self::$checked[$request];
	}

	/**
	 * Whether this request carries an answer to a CAPTCHA, without checking
	 * it (a check would use up the CAPTCHA ConfirmEdit is about to check).
	 */
	public static function answerGiven(): bool {
		$request = self::answerRequest( RequestContext::getMain()->getRequest() );
		// Each CAPTCHA type reads its own fields (hCaptcha: h-captcha-response);
		// only ConfirmEdit's protected method knows which.
		[ , $word ] = ( function () use ( $request ) {
			return $this->getCaptchaParamsFromRequest( $request );
		} )->call( self::captcha() );
		return $word !== null && $word !== '';
	}

	/**
	 * The request as ConfirmEdit reads an answer, under the edit form's names
	 * whatever names it came with. A copy, not the request itself: ApiMain
	 * would report form names added to it as unrecognised.
	 *
	 * @param WebRequest $request
	 * @return WebRequest
	 */
	private static function answerRequest( WebRequest $request ): WebRequest {
		$values = $request->getValues();
		foreach ( self::ANSWER_FIELD_NAMES as $other => $form ) {
			$value = $values[$other] ?? null;
			if ( $value !== null && $value !== '' ) {
				$values[$form] = $value;
			}
		}
		return new DerivativeRequest( $request, $values, $request->wasPosted() );
	}

	/**
	 * Tells ApiMain that the form's CAPTCHA fields were read. Editors built on
	 * the API (VisualEditor) send wpCaptchaId/wpCaptchaWord, which the edit's
	 * CAPTCHA check reads from the main request and ApiMain never declared;
	 * ConfirmEdit also copies captchaid/captchaword there under those names.
	 *
	 * @param ApiBase $module The module that ran (APIAfterExecute)
	 */
	public static function markAnswerFieldsUsed( ApiBase $module ): void {
		$module->getMain()->markParamsUsed( array_unique( array_values( self::ANSWER_FIELD_NAMES ) ) );
	}

	/**
	 * The answer's parameters, as ConfirmEdit declares them for the edit API,
	 * for the API modules named in `$modules` (those of the actions a filter's
	 * CAPTCHA can refuse).
	 *
	 * @param ApiBase $module
	 * @param string[] $modules
	 * @return array[] Parameter name => settings; empty for other modules
	 */
	public static function answerParams( ApiBase $module, array $modules ): array {
		if ( !in_array( $module->getModuleName(), $modules, true ) ) {
			return [];
		}
		return [
			'captchaid' => [ ApiBase::PARAM_HELP_MSG => 'captcha-apihelp-param-captchaid' ],
			'captchaword' => [ ApiBase::PARAM_HELP_MSG => 'captcha-apihelp-param-captchaword' ],
		];
	}

	/**
	 * Seconds a CAPTCHA stays answerable ($wgCaptchaSessionExpiration, both versions).
	 */
	public static function captchaLifetime(): int {
		$config = MediaWikiServices::getInstance()->getMainConfig();
		return $config->has( 'CaptchaSessionExpiration' )
			? max( 1, (int)$config->get( 'CaptchaSessionExpiration' ) )
			: 1800;
	}

	/**
	 * Fails the edit the way ConfirmEdit's confirmEditMerged() does, so EditPage
	 * shows the form again and the API answers with a `captcha` object.
	 *
	 * @param \Status|\MediaWiki\Status\Status $status The Status every EditFilterMergedContent handler shares
	 * @param string $messageKey
	 */
	public static function failEdit( mixed $status, string $messageKey ): void {
		$status->fatal( $messageKey );
		$status->value = EditPage::AS_HOOK_ERROR_EXPECTED;
		$status->statusData = self::apiData( $messageKey );
	}

	/**
	 * A fresh CAPTCHA as the API describes it: ConfirmEdit offers this only
	 * through a protected method with a by-reference argument.
	 *
	 * The `captcha` object also says why it is asked (`captchaguard`: the
	 * message key and its text), for API clients and the editors' CAPTCHA
	 * widget (resources/ext.captchaGuard.captchaReason.js).
	 *
	 * @param string $messageKey
	 * @return array The API answer's fields, with the `captcha` object
	 */
	private static function apiData( string $messageKey ): array {
		$data = [];
		( function () use ( &$data ) {
			$this->addCaptchaAPI( $data );
		} )->call( self::captcha() );
		if ( isset( $data['captcha'] ) && is_array( $data['captcha'] ) ) {
			$data['captcha']['captchaguard'] = [
				'code' => $messageKey,
				'html' => self::parsedOnce( RequestContext::getMain()->msg( $messageKey ) ),
				'help' => self::helpLine(),
			];
		}
		return $data;
	}

	/**
	 * The message AbuseFilter refuses an action with (a move). Through the
	 * API it carries a fresh CAPTCHA as the edit API's answer does: the
	 * error's `captcha` object, answered with `captchaid` and `captchaword`.
	 * A page gets its CAPTCHA in the form instead (addFormInside).
	 *
	 * @param string $messageKey
	 * @return string|ApiMessage
	 */
	public static function refusalWithCaptcha( string $messageKey ): string|ApiMessage {
		if ( !defined( 'MW_API' ) ) {
			return $messageKey;
		}
		return new ApiMessage( $messageKey, $messageKey, self::apiData( $messageKey ) );
	}

	/**
	 * The CAPTCHA and its input at the top of the form with the ID `$formId`
	 * on a special page already drawn (Special:MovePage has no hook for fields).
	 *
	 * @param SpecialPage $special
	 * @param string $formId
	 * @return bool Whether the form was found
	 */
	public static function addFormInside( SpecialPage $special, string $formId ): bool {
		$out = $special->getOutput();
		$page = $out->getHTML();
		$out->clearHTML();
		self::addPrompt( $out );
		$captcha = $out->getHTML();
		$out->clearHTML();
		$pattern = '/<form\b[^>]*\bid=([\'"])' . preg_quote( $formId, '/' ) . '\1[^>]*>/';
		$found = false;
		$changed = preg_replace_callback( $pattern, static function ( array $open ) use ( $captcha, &$found ) {
			$found = true;
			return $open[0] . $captcha;
		}, $page, 1 );
		$out->addHTML( $changed ?? $page );
		return $found;
	}

	/**
	 * On pages where DiscussionTools' reply tool can open: the script that
	 * shows why a filter asked for a CAPTCHA in ConfirmEdit's widget.
	 *
	 * @param OutputPage $out
	 */
	public static function addReasonScript( OutputPage $out ): void {
		$title = $out->getTitle();
		if ( $title && $title->isTalkPage()
			&& ExtensionRegistry::getInstance()->isLoaded( 'DiscussionTools' )
		) {
			$out->addModules( 'ext.captchaGuard.captchaReason' );
		}
	}

	/**
	 * The CAPTCHA and its input, at the top of the edit form, unless ConfirmEdit
	 * puts its own among the buttons (one of its triggers asks every edit of the
	 * page): a second widget would post a second answer under the same name.
	 *
	 * @param OutputPage $out
	 * @param EditPage|null $editPage Null from callers of the hook that have none
	 * @return bool Whether the CAPTCHA was added
	 */
	public static function addForm( OutputPage $out, ?EditPage $editPage ): bool {
		$article = $editPage ? $editPage->getArticle() : null;
		if ( $article && self::captcha()->shouldCheck( $article->getPage(), '', '', $article->getContext() ) ) {
			return false;
		}
		self::addPrompt( $out );
		return true;
	}

	/**
	 * The CAPTCHA, its input and the help line.
	 *
	 * @param OutputPage $out
	 */
	private static function addPrompt( OutputPage $out ): void {
		$out->addHTML( '<div id="captchaguard-prompt" class="captchaguard-prompt">' );
		self::captcha()->addFormToOutput( $out );
		$out->addHTML( self::helpLine() . '</div>' );
	}

	/**
	 * The help line for ext.captchaGuard.captchaReason (a package file), which
	 * puts it under every CAPTCHA VisualEditor and DiscussionTools show, the
	 * emergency switch's included.
	 *
	 * @param MessageLocalizer $context ResourceLoader's context (the reader's language)
	 * @return array
	 */
	public static function helpLineForModule( MessageLocalizer $context ): array {
		return [ 'html' => self::helpLineIn( $context ) ];
	}

	/**
	 * The edit form's buttons with the help line first, when ConfirmEdit shows
	 * its own CAPTCHA in this form (the emergency switch's, which ConfirmEdit
	 * adds while the buttons are built): the line comes right under it
	 * whichever handler ran first.
	 *
	 * @param EditPage $editPage
	 * @param string[] $buttons EditPageBeforeEditButtons' buttons, HTML by name
	 * @return string[]
	 */
	public static function withHelpBeforeButtons( EditPage $editPage, array $buttons ): array {
		$captcha = self::captcha();
		$page = $editPage->getArticle()->getPage();
		$shown = isset( $captcha->getActivatedCaptchas()[CacheKeyHelper::getKeyForPage( $page )] )
			|| $captcha->shouldCheck( $page, '', '', $editPage->getArticle()->getContext() );
		$help = $shown ? self::helpLine() : '';
		return $help === '' ? $buttons : [ 'captchaguard-help' => $help ] + $buttons;
	}

	/**
	 * The line under every CAPTCHA CaptchaGuard asks for, for people who cannot
	 * solve one: a link to $wgCaptchaGuardExemptionPage (how to get the
	 * exemption); empty when the setting is false or the message is disabled.
	 *
	 * @return string HTML
	 */
	public static function helpLine(): string {
		return self::helpLineIn( RequestContext::getMain() );
	}

	/**
	 * @param MessageLocalizer $localizer Whose language the line is in
	 * @return string HTML
	 */
	private static function helpLineIn( MessageLocalizer $localizer ): string {
		$page = MediaWikiServices::getInstance()->getMainConfig()->get( 'CaptchaGuardExemptionPage' );
		$message = $localizer->msg( 'captchaguard-captcha-help', (string)$page );
		if ( !$page || $message->isDisabled() ) {
			return '';
		}
		return Html::rawElement( 'p', [ 'class' => 'captchaguard-help' ], self::parsedOnce( $message ) );
	}

	/**
	 * A message as HTML, parsed once per language and text for ten minutes
	 * on each server: flagged edits carry these messages in every answer, and
	 * the wiki's parser takes a millisecond or more each time (make bench).
	 * A text with templates or magic words ("{{") may vary by page or user,
	 * so it is parsed every time. A link's colour may lag a new page by the
	 * ten minutes.
	 */
	private static function parsedOnce( Message $message ): string {
		$text = $message->plain();
		if ( str_contains( $text, '{{' ) ) {
			return $message->parse();
		}
		$cache = MediaWikiServices::getInstance()->getLocalServerObjectCache();
		return $cache->getWithSetCallback(
			$cache->makeKey( 'captchaguard-message-html', $message->getLanguage()->getCode(), sha1( $text ) ),
			$cache::TTL_MINUTE * 10,
			static fn () => $message->parse()
		);
	}
}
