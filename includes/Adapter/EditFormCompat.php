<?php

namespace MediaWiki\Extension\CaptchaGuard\Adapter;

use Html;
use OutputPage;

/**
 * What the edit form carries to the request its save makes.
 */
final class EditFormCompat {

	/**
	 * `useskin` lasts one page: a reader who opened the editor with
	 * `useskin=minerva` (a phone) would get the page the save answers with
	 * (the CAPTCHA) in the desktop skin. The form sends the skin along.
	 *
	 * @param OutputPage $out The edit form's output
	 * @param string $skin The request's `useskin`
	 */
	public static function keepSkin( OutputPage $out, string $skin ): void {
		$out->addHTML( Html::hidden( 'useskin', $skin ) );
	}
}
