/*!
 * VisualEditor's hCaptcha, for CAPTCHAs a filter or the emergency switch demand.
 * ConfirmEdit's handler always shows the wiki's usual site key; the API answer
 * names the key this CAPTCHA must be solved with (the always-challenge one for a
 * demand), and a token from another key would be refused again and again. This
 * handler takes ConfirmEdit's name, so it replaces it: the module depends on
 * ConfirmEdit's, whose plugin is therefore added, and registered, first.
 * As with the other CAPTCHAs (ext.captchaGuard.captchaReason), a filter's reason
 * comes first and the line for people who cannot solve CAPTCHAs last.
 */
/* global ve */
mw.loader.using( 'ext.visualEditor.targetLoader' ).then( () => {
	mw.libs.ve.targetLoader.addPlugin( () => {
		const config = require( './config.json' );
		const helpLine = require( './helpLine.json' );
		let widgetReady = null;

		function loadWidget() {
			if ( !widgetReady ) {
				const deferred = $.Deferred();
				const onLoad = 'captchaGuardHCaptchaLoaded' + Date.now();
				window[ onLoad ] = deferred.resolve;
				const separator = config.scriptUrl.includes( '?' ) ? '&' : '?';
				mw.loader.load( config.scriptUrl + separator + $.param( { onload: onLoad, render: 'explicit' } ) );
				widgetReady = deferred.promise();
			}
			return widgetReady;
		}

		function HCaptchaSaveErrorHandler() {}
		OO.inheritClass( HCaptchaSaveErrorHandler, ve.init.mw.SaveErrorHandler );
		HCaptchaSaveErrorHandler.static.name = 'confirmEditHCaptcha';

		HCaptchaSaveErrorHandler.static.matchFunction = function ( data ) {
			const captcha = ve.getProp( data, 'visualeditoredit', 'edit', 'captcha' );
			return !!( captcha && captcha.type === 'hcaptcha' );
		};

		HCaptchaSaveErrorHandler.static.process = function ( data, target ) {
			const captcha = ve.getProp( data, 'visualeditoredit', 'edit', 'captcha' );
			const $container = $( '<div>' ).addClass( 'ext-captchaguard-hcaptcha' );
			const $widget = $( '<div>' );
			const reason = captcha.captchaguard;
			if ( reason && typeof reason.html === 'string' ) {
				$container.append( $( '<p>' ).addClass( 'captchaguard-reason' ).html( reason.html ) );
			}
			$container.append( $widget, helpLine.html || '' );
			target.saveFields.wpCaptchaWord = () => $widget.find( '[name=h-captcha-response]' ).val();
			loadWidget().then( () => {
				target.saveDialog.clearMessage( 'api-save-error' );
				target.saveDialog.showMessage( 'api-save-error', $container, { wrap: false } );
				window.hcaptcha.render( $widget[ 0 ], {
					sitekey: captcha.key || config.siteKey,
					callback: () => target.saveDialog.executeAction( 'save' )
				} );
				target.saveDialog.popPending();
				target.saveDialog.updateSize();
				target.emit( 'saveErrorCaptcha' );
			} );
		};

		ve.init.mw.saveErrorHandlerFactory.register( HCaptchaSaveErrorHandler );
	} );
} );
