/*!
 * ConfirmEdit's CAPTCHA widget, which VisualEditor and DiscussionTools show
 * when an edit needs a CAPTCHA, says only how to answer. When an abuse filter
 * asked for the CAPTCHA, the edit API's `captcha` object carries the reason
 * (`captchaguard.html`, CaptchaGuard's localised message): show it first.
 * Under every CAPTCHA widget comes the line for people who cannot solve
 * CAPTCHAs (ConfirmEditCompat::helpLine, as the API's `captchaguard.help`).
 */
( function () {
	const helpLine = require( './helpLine.json' );
	const Widget = mw.libs.confirmEdit.CaptchaInputWidget;
	const makeCaptchaInterface = Widget.prototype.makeCaptchaInterface;

	Widget.prototype.makeCaptchaInterface = function ( captchaData ) {
		const $interface = makeCaptchaInterface.call( this, captchaData );
		const reason = captchaData && captchaData.captchaguard;
		if ( reason && typeof reason.html === 'string' ) {
			$interface.prepend(
				$( '<p>' ).addClass( 'captchaguard-reason' ).html( reason.html )
			);
		}
		// Under every CAPTCHA, the emergency switch's too, the line for people
		// who cannot solve CAPTCHAs (a <p class="captchaguard-help">, empty when
		// the wiki turned it off), under the answer field the widget already holds.
		if ( helpLine.html ) {
			this.$element.append( helpLine.html );
		}
		return $interface;
	};
}() );
