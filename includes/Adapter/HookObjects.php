<?php

namespace MediaWiki\Extension\CaptchaGuard\Adapter;

use MediaWiki\Extension\CaptchaGuard\Value\SavedEdit;
use MediaWiki\Extension\CaptchaGuard\Value\UserFacts;
use MediaWiki\Revision\RevisionRecord;
use MediaWiki\User\UserIdentity;
use WikiPage;

/**
 * Plain facts from the MediaWiki objects a hook passes, for the native handlers.
 */
final class HookObjects {

	public static function savedEdit( WikiPage $wikiPage, UserIdentity $user, RevisionRecord $revision ): SavedEdit {
		return new SavedEdit(
			performerId: $user->getId(),
			performerName: $user->getName(),
			pageId: (int)$wikiPage->getId(),
			revisionId: (int)$revision->getId()
		);
	}

	public static function user( UserIdentity $user ): UserFacts {
		return new UserFacts( id: $user->getId(), name: $user->getName() );
	}
}
