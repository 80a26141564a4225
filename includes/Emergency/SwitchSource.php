<?php

namespace MediaWiki\Extension\CaptchaGuard\Emergency;

use MediaWiki\Extension\CaptchaGuard\Value\StoredSwitch;

/**
 * Where the emergency check reads the switch when its copy is stale:
 * EmergencyStore on a wiki.
 */
interface SwitchSource {

	/**
	 * Every row of the table that may be in effect now, for every wiki that
	 * uses the table, in one read: only what the check needs (ID, wiki,
	 * state, actions, expiry). The module keeps each wiki's newest.
	 *
	 * @return StoredSwitch[]
	 */
	public function switchesInEffect(): array;

	/**
	 * The table's database, as the module names its snapshot: the wikis
	 * that share a table share one.
	 */
	public function tableId(): string;
}
