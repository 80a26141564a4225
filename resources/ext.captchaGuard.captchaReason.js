/*!
 * ConfirmEdit's CAPTCHA widget, which VisualEditor and DiscussionTools show
 * when an edit needs a CAPTCHA, says only how to answer. When an abuse filter
 * asked for the CAPTCHA, the edit API's `captcha` object carries the reason
 * (`captchaguard.html`, CaptchaGuard's localised message): show it first,
 * and the line for people who cannot solve CAPTCHAs (`captchaguard.help`) last.
 */
( function () {
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
		// For people who cannot solve CAPTCHAs, under the answer field (the
		// widget's own element already holds it): a <p class="captchaguard-help">.
		if ( reason && typeof reason.help === 'string' && reason.help !== '' ) {
			this.$element.append( reason.help );
		}
		return $interface;
	};
}() );
