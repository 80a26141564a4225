<?php

// Stubs for captchaguard

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
}
