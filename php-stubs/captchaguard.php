<?php

// Stubs for captchaguard

namespace MediaWiki\Extension\CaptchaGuard {
    /**
     * Other extensions' in-process API (see README).
     */
    class RiskScore {
        public function __construct() {}

        /**
         * The score as events carry it: bucketed, -1 when there is none.
         *
         * @param string $user_name
         * @return float
         */
        public static function bucketed(string $user_name): float {}

        /**
         * The raw score of the user's latest successful verification, or null.
         * Raw scores are for in-process decisions only: never log or send them.
         *
         * @param string $user_name
         * @return float|null
         */
        public static function get(string $user_name): ?float {}

        /**
         * Reads siteverify's answer for the current user: stores a valid score
         * (or forgets an old one), logs what went wrong once, and returns whether
         * the CAPTCHA passed, as hCaptcha said. `$httpError` is null when an
         * answer came back.
         *
         * @param string|null $http_error
         * @param string $body
         * @return bool
         */
        public static function recordVerification(?string $http_error = null, string $body): bool {}
    }
}

namespace MediaWiki\Extension\CaptchaGuard\AbuseFilter {
    /**
     * Called by the thin PHP consequence; the native half of its `execute()`.
     */
    class ConsequenceRunner {
        public function __construct() {}

        /**
         * `$action` is `showcaptcha` or `forcecaptcha`; `$context` the main RequestContext.
         *
         * @param mixed $parameters
         * @param string $action
         * @param mixed $context
         * @return bool
         */
        public static function execute(mixed $parameters, string $action, mixed $context): bool {}

        /**
         * Used when `execute()` failed: demand the CAPTCHA without checking anything.
         *
         * @param string $action
         * @return bool
         */
        public static function failSafe(string $action): bool {}
    }
}

namespace MediaWiki\Extension\CaptchaGuard\Emergency {
    /**
     * Validation shared by Special:EmergencyCaptcha and `action=emergencycaptcha`.
     */
    class EmergencyPolicy {
        public function __construct() {}

        /**
         * Called after a change made in this worker, so it applies here at once;
         * other workers pick it up within the refresh interval.
         *
         * @return void
         */
        public static function forgetCachedSwitch(): void {}

        /**
         * The triggers a switch may cover, in display order.
         *
         * @return array
         */
        public static function triggers(): array {}

        /**
         * Checks a requested change. `$expiry` is the Unix time MediaWiki read
         * from the user's expiry (null if it could not), `$expiryGiven` whether
         * one was typed at all. Returns `['ok' => true, 'active', 'actions',
         * 'expiry', 'reason']` or `['ok' => false, 'message', 'params']`.
         *
         * @param bool $on
         * @param array $actions
         * @param bool $expiry_given
         * @param int|null $expiry
         * @param string $reason
         * @param int $now
         * @param int $max_seconds
         * @return array
         */
        public static function validate(bool $on, array $actions, bool $expiry_given, ?int $expiry = null, string $reason, int $now, int $max_seconds): array {}
    }
}

namespace MediaWiki\Extension\CaptchaGuard\Hooks {
    class AbuseFilterHandler {
        /**
         * `$config` is the MainConfig service (extension.json `services`).
         *
         * @param mixed $config
         */
        public function __construct(mixed $config) {}

        /**
         * Registers each enabled action; AbuseFilter calls `Class::factory( $params )`.
         *
         * @param mixed $actions
         * @return void
         */
        public function onAbuseFilterCustomActions(mixed $actions): void {}

        /**
         * Runs before filters are evaluated: keeps `warn` from warning again on
         * the save that carries the answer to a CAPTCHA it led to.
         *
         * @param mixed $vars
         * @param mixed $title
         * @param mixed $user
         * @param mixed $skip_reasons
         * @return void
         */
        public function onAbuseFilterShouldFilterAction(mixed $vars, mixed $title, mixed $user, mixed $skip_reasons): void {}
    }

    class EditFilterHandler {
        public function __construct() {}

        /**
         * Returns false (stop the edit) when a CAPTCHA was demanded and is now in the Status.
         *
         * @param mixed $context
         * @param mixed $content
         * @param mixed $status
         * @param mixed $summary
         * @param mixed $user
         * @param mixed $minor_edit
         * @return bool
         */
        public function onEditFilterMergedContent(mixed $context, mixed $content, mixed $status, mixed $summary, mixed $user, mixed $minor_edit): bool {}
    }

    class EditFormHandler {
        public function __construct() {}

        /**
         * The error box with our message is already above the form (EditPage
         * shows the Status); the CAPTCHA itself goes at the top of the form.
         *
         * @param mixed $edit_page
         * @param mixed $output
         * @return void
         */
        public function onEditPage__showEditForm_fields(mixed $edit_page, mixed $output): void {}
    }

    class EmergencyCaptchaHandler {
        /**
         * `$config` is the MainConfig service.
         *
         * @param mixed $config
         */
        public function __construct(mixed $config) {}

        /**
         * Runs whenever ConfirmEdit asks whether an action needs a CAPTCHA. Users
         * with skipcaptcha never get here; holders of captchaguard-exempt are let through.
         *
         * @param string $action
         * @param mixed $page
         * @param mixed $result
         * @return void
         */
        public function onConfirmEditTriggersCaptcha(string $action, mixed $page, mixed $result): void {}
    }

    class RiskScoreEventsHandler {
        public function __construct() {}

        /**
         * @param mixed $user
         * @param bool $autocreated
         * @return void
         */
        public function onLocalUserCreated(mixed $user, bool $autocreated): void {}

        /**
         * @param mixed $wiki_page
         * @param mixed $user
         * @param mixed $summary
         * @param mixed $flags
         * @param mixed $revision_record
         * @param mixed $edit_result
         * @return void
         */
        public function onPageSaveComplete(mixed $wiki_page, mixed $user, mixed $summary, mixed $flags, mixed $revision_record, mixed $edit_result): void {}
    }
}
