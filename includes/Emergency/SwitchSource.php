<?php

namespace MediaWiki\Extension\CaptchaGuard\Emergency;

use MediaWiki\Extension\CaptchaGuard\Value\StoredSwitch;

/**
 * Where the emergency check reads the switch when its copy is stale:
 * EmergencyStore on a wiki.
 */
interface SwitchSource {

	/**
	 * This wiki's switch (or every wiki's, whichever is newer): only what the
	 * check needs. Null if it was never switched.
	 */
	public function currentSwitch(): ?StoredSwitch;
}
