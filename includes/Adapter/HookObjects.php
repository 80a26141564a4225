<?php

namespace MediaWiki\Extension\CaptchaGuard\Adapter;

use MediaWiki\User\UserIdentity;

/**
 * Plain facts from the MediaWiki objects a hook passes, for the native handlers.
 */
final class HookObjects {

	/**
	 * @param \WikiPage $wikiPage
	 * @param UserIdentity $user
	 * @param \MediaWiki\Revision\RevisionRecord $revision
	 * @return object{performer_id: int, performer_name: string, page_id: int, revision_id: int}
	 */
	public static function savedEdit( $wikiPage, UserIdentity $user, $revision ): object {
		return (object)[
			'performer_id' => $user->getId(),
			'performer_name' => $user->getName(),
			'page_id' => (int)$wikiPage->getId(),
			'revision_id' => (int)$revision->getId(),
		];
	}

	/**
	 * @return object{id: int, name: string}
	 */
	public static function user( UserIdentity $user ): object {
		return (object)[ 'id' => $user->getId(), 'name' => $user->getName() ];
	}
}
