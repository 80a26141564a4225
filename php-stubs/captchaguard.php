<?php

// Stubs for captchaguard

namespace MediaWiki\Extension\CaptchaGuard {
    /**
     * What the module expects of PHP, for the structure test.
     */
    class Binding {
        public function __construct() {}

        /**
         * Every PHP method the module calls: `[class, method, params (declared
         * types), returns, static]`, the class fully qualified.
         *
         * @return array
         */
        public static function methods(): array {}
    }

    /**
     * Other extensions' in-process API (docs/risk-score.md).
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
         * The raw score of `$userName`'s latest successful verification, or
         * null (also when it cannot be read: that is logged). Raw scores are for
         * in-process decisions only: never log or send them.
         *
         * @param string $user_name
         * @return float|null
         */
        public static function get(string $user_name): ?float {}

        /**
         * The most bytes of a siteverify answer that are read: `HCaptcha.php`
         * stops the download past this, so a huge answer cannot exhaust PHP's
         * memory, and hands over one byte more, which is refused as too large.
         *
         * @return int
         */
        public static function maxAnswerBytes(): int {}

        /**
         * Reads siteverify's answer to `$token` for the current user: stores a
         * valid score (or forgets an old one), logs what went wrong once, and
         * returns whether the CAPTCHA passed (only `success: true` without
         * `error-codes`). `$httpError` is null when an answer came back; `$body`
         * is taken as bytes. A score that cannot be stored is logged; the
         * CAPTCHA's outcome stands. The outcome is kept for the rest of the
         * request (see `verifiedInRequest`). With `$challengeSiteKey` set, a
         * CAPTCHA a filter or the emergency switch demanded passes only if it
         * was solved with that key (siteverify's `sitekey`).
         *
         * @param string $token
         * @param string|null $http_error
         * @param string $body
         * @param string|null $usual_site_key
         * @param string|null $challenge_site_key
         * @return bool
         */
        public static function recordVerification(string $token, ?string $http_error = null, string $body, ?string $usual_site_key = null, ?string $challenge_site_key = null): bool {}

        /**
         * The site key hCaptcha's widget is shown with in this request: the
         * always-challenge one when a filter or the emergency switch asked for
         * the CAPTCHA and the wiki has one, the usual one otherwise.
         *
         * @param string $usual_site_key
         * @param string $challenge_site_key
         * @return string
         */
        public static function siteKeyToShow(string $usual_site_key, string $challenge_site_key): string {}

        /**
         * Whether `$token` already passed (true) or failed (false) siteverify in
         * this request; null if it was not checked. Tokens are single-use.
         *
         * @param string $token
         * @return bool|null
         */
        public static function verifiedInRequest(string $token): ?bool {}
    }

    class SensitivePurge {
        public function __construct() {}

        /**
         * Rows one run deletes.
         *
         * @return int
         */
        public static function batchSize(): int {}

        /**
         * Whether a run that deleted `$deleted` rows leaves more for another.
         *
         * @param int $deleted
         * @return bool
         */
        public static function continues(int $deleted): bool {}

        /**
         * Unix time at or before which hits are deleted; a bad `$maxAge` is
         * logged and the default (90 days) applies.
         *
         * @param int $now
         * @param mixed $max_age
         * @return int
         */
        public static function cutoff(int $now, mixed $max_age): int {}
    }

    /**
     * What `SensitiveVariablesBlobStore`, `SensitivePermissionManager` and `Setup` ask.
     */
    class SensitiveVariables {
        /**
         * CaptchaGuard's right to CheckUser-level filters, as PHP names it.
         */
        public const RIGHT = 'captchaguard-sensitive-filters';

        public function __construct() {}

        /**
         * Whether someone with these rights may see CheckUser-level filters: the
         * rule AbuseFilter's permission manager asks (`SensitivePermissionManager`).
         * `$protected_access` is AbuseFilter's own protected-variables level.
         *
         * @param bool $sensitive_right
         * @param bool $protected_access
         * @return bool
         */
        public static function maySee(bool $sensitive_right, bool $protected_access): bool {}

        /**
         * The rights someone with these lacks for CheckUser-level filters, for refusals.
         *
         * @param bool $sensitive_right
         * @param bool $protected_access
         * @return array
         */
        public static function missingRights(bool $sensitive_right, bool $protected_access): array {}

        /**
         * The variables' names, as filters use them.
         *
         * @return array
         */
        public static function names(): array {}

        /**
         * Whether the current user may see sensitive values; false when that cannot be told.
         *
         * @return bool
         */
        public static function viewerMaySee(): bool {}
    }

    class SiteverifyHealth {
        public function __construct() {}

        /**
         * The state after one verification (`$failed`: no usable answer from
         * siteverify), under `$wgCaptchaGuardHCaptchaFallbackThreshold` failures
         * in a row and `$wgCaptchaGuardHCaptchaFallbackSeconds`.
         *
         * @param int $failures_in_a_row
         * @param int $fallback_until
         * @param bool $failed
         * @param int $threshold
         * @param int $seconds
         * @return \MediaWiki\Extension\CaptchaGuard\Value\SiteverifyState
         */
        public static function afterVerification(int $failures_in_a_row, int $fallback_until, bool $failed, int $threshold, int $seconds): \MediaWiki\Extension\CaptchaGuard\Value\SiteverifyState {}

        /**
         * Whether the fallback CAPTCHA is asked now.
         *
         * @param int $fallback_until
         * @return bool
         */
        public static function usesFallback(int $fallback_until): bool {}
    }
}

namespace MediaWiki\Extension\CaptchaGuard\AbuseFilter {
    /**
     * Called by the thin PHP consequence; the native half of its `execute()`.
     */
    class ConsequenceRunner {
        public const FORCE = 'forcecaptcha';

        /**
         * The actions' names, for PHP: named once, in `CaptchaAction`.
         */
        public const SHOW = 'showcaptcha';

        public function __construct() {}

        /**
         * `$action` is `showcaptcha` or `forcecaptcha`. Never throws for a failure
         * of MediaWiki: the failure is logged and the CAPTCHA demanded anyway.
         *
         * @param \MediaWiki\Extension\CaptchaGuard\Value\FilterHit $hit
         * @param string $action
         * @return bool
         */
        public static function execute(\MediaWiki\Extension\CaptchaGuard\Value\FilterHit $hit, string $action): bool {}

        /**
         * Used when the consequence could not even build its hit: demand the
         * CAPTCHA without checking anything.
         *
         * @param string $action
         * @return bool
         */
        public static function failSafe(string $action): bool {}

        /**
         * Whether AbuseFilter itself refuses `$filteredAction` when a CAPTCHA is
         * demanded (a sign-up, a move): the consequence is then a hook aborter.
         *
         * @param string $filtered_action
         * @return bool
         */
        public static function isRefusedByAbuseFilter(string $filtered_action): bool {}

        /**
         * Whether the refusal of `$filteredAction` carries the CAPTCHA itself
         * (a move: the API's error has a `captcha` object, the form gets the
         * CAPTCHA); a sign-up's is in ConfirmEdit's own sign-up fields.
         *
         * @param string $filtered_action
         * @return bool
         */
        public static function refusalCarriesCaptcha(string $filtered_action): bool {}

        /**
         * The message an action stopped in this request is refused with
         * (RefusedActionCaptchaConsequence::getMessage): says when the answer
         * was wrong. `$filteredAction` is AbuseFilter's name of the action.
         *
         * @param string $filtered_action
         * @return string
         */
        public static function refusalMessage(string $filtered_action): string {}

        /**
         * The actions a filter with these rules is limited to that no CAPTCHA
         * can be asked for (the filter editor refuses a CAPTCHA action there).
         *
         * @param string $rules
         * @return array
         */
        public static function uncoveredActions(string $rules): array {}
    }
}

namespace MediaWiki\Extension\CaptchaGuard\Adapter {
    /**
     * The outcomes `checkAnswer` reports, named by the module.
     */
    class AnswerOutcome {
        public const NONE = 'none';

        public const RIGHT = 'right';

        public const WRONG = 'wrong';

        public function __construct() {}
    }
}

namespace MediaWiki\Extension\CaptchaGuard\Emergency {
    /**
     * The emergency rules Special:EmergencyCaptcha, `action=emergencycaptcha`,
     * `meta=emergencycaptcha` and the log ask for.
     * A panic in one of these becomes a PHP Error: the page or
     * API module that asked shows an error and nothing is changed.
     */
    class EmergencyPolicy {
        public function __construct() {}

        /**
         * What `$wikis` holds for every wiki of the farm, and the store's
         * `ce_wiki` for a farm-wide switch. (A method: cargo-php's stub
         * generator crashes on a string constant of this class.)
         *
         * @return string
         */
        public static function allWikis(): string {}

        /**
         * The wikis other than `$currentWiki` that a validated change to
         * `$wikis` covers, and so must log it (`*`: every wiki of the farm).
         *
         * @param array $wikis
         * @param string $current_wiki
         * @param array $known_wikis
         * @return array
         */
        public static function coveredElsewhere(array $wikis, string $current_wiki, array $known_wikis): array {}

        /**
         * What switching on without naming actions covers.
         *
         * @return array
         */
        public static function defaultTriggers(): array {}

        /**
         * Called after a change made in this worker, so it applies here at once;
         * other workers pick it up within the refresh interval.
         *
         * @return void
         */
        public static function forgetCachedSwitch(): void {}

        /**
         * Stored trigger names (a log entry's, say) as a list, unknown ones dropped.
         *
         * @param string $stored
         * @return array
         */
        public static function parseActions(string $stored): array {}

        /**
         * What a stored switch means now (null: never switched).
         *
         * @param \MediaWiki\Extension\CaptchaGuard\Value\StoredSwitch|null $stored
         * @return \MediaWiki\Extension\CaptchaGuard\Value\SwitchState
         */
        public static function state(?\MediaWiki\Extension\CaptchaGuard\Value\StoredSwitch $stored = null): \MediaWiki\Extension\CaptchaGuard\Value\SwitchState {}

        /**
         * The triggers a switch may cover, in display order.
         *
         * @return array
         */
        public static function triggers(): array {}

        /**
         * Checks a requested change against the module's clock and the farm:
         * an `AcceptedChange` to store, or a list of `SwitchRefusal`s, one per
         * problem, that say why not.
         *
         * @param \MediaWiki\Extension\CaptchaGuard\Value\SwitchChange $change
         * @return mixed
         */
        public static function validate(\MediaWiki\Extension\CaptchaGuard\Value\SwitchChange $change): mixed {}
    }
}

namespace MediaWiki\Extension\CaptchaGuard\Hooks {
    class AbuseFilterHandler {
        /**
         * `$enabledActions` is `$wgCaptchaGuardAbuseFilterActions` (see HandlerFactory).
         *
         * @param mixed $host
         * @param array $enabled_actions
         */
        public function __construct(mixed $host, array $enabled_actions) {}

        /**
         * Registers each enabled action; AbuseFilter calls `Class::factory( $params )`.
         *
         * @param mixed $actions
         * @param mixed $extra
         * @return void
         */
        public function onAbuseFilterCustomActions(mixed $actions, mixed ...$extra): void {}

        /**
         * Runs before filters are evaluated: keeps `warn` from warning again on
         * the save that carries the answer to a CAPTCHA it led to.
         *
         * @param mixed $vars
         * @param mixed $title
         * @param mixed $user
         * @param mixed $skip_reasons
         * @param mixed $extra
         * @return void
         */
        public function onAbuseFilterShouldFilterAction(mixed $vars, mixed $title, mixed $user, mixed $skip_reasons, mixed ...$extra): void {}

        /**
         * MediaWiki 1.41+: the filter editor shows CaptchaGuard's label and help
         * for `showcaptcha`, not ConfirmEdit 1.43's ("Users with permission to
         * skip a CAPTCHA are exempt", which misses the exempt, bots and sign-ups).
         *
         * @param mixed $keys
         * @param mixed $extra
         * @return void
         */
        public function onMessageCacheFetchOverrides(mixed $keys, mixed ...$extra): void {}
    }

    class ApiHandler {
        /**
         * @param mixed $host
         */
        public function __construct(mixed $host) {}

        /**
         * Runs after the module, before ApiMain lists the parameters nobody read.
         *
         * @param mixed $module
         * @param mixed $extra
         * @return void
         */
        public function onAPIAfterExecute(mixed $module, mixed ...$extra): void {}
    }

    class EditFilterHandler {
        /**
         * @param mixed $host
         */
        public function __construct(mixed $host) {}

        /**
         * Returns false (stop the edit) when a CAPTCHA was demanded and is now in the Status.
         *
         * @param mixed $context
         * @param mixed $content
         * @param mixed $status
         * @param mixed $summary
         * @param mixed $user
         * @param mixed $minor_edit
         * @param mixed $extra
         * @return bool
         */
        public function onEditFilterMergedContent(mixed $context, mixed $content, mixed $status, mixed $summary, mixed $user, mixed $minor_edit, mixed ...$extra): bool {}
    }

    class EditFormHandler {
        /**
         * @param mixed $host
         */
        public function __construct(mixed $host) {}

        /**
         * The emergency switch's CAPTCHA is ConfirmEdit's own, which it adds
         * while the buttons are built: the line for people who cannot solve
         * CAPTCHAs goes first among the buttons, so right under it.
         *
         * @param mixed $edit_page
         * @param mixed $buttons
         * @param mixed $tabindex
         * @param mixed $extra
         * @return void
         */
        public function onEditPageBeforeEditButtons(mixed $edit_page, mixed $buttons, mixed $tabindex, mixed ...$extra): void {}

        /**
         * The error box with our message is already above the form (EditPage
         * shows the Status); the CAPTCHA itself goes at the top of the form.
         *
         * @param mixed $edit_page
         * @param mixed $output
         * @param mixed $extra
         * @return void
         */
        public function onEditPage__showEditForm_fields(mixed $edit_page, mixed $output, mixed ...$extra): void {}
    }

    class EmergencyCaptchaHandler {
        /**
         * `$refreshSeconds` is `$wgCaptchaGuardEmergencyRefresh`, `$wikiId` the
         * wiki this request serves, `$switchTable` the database of its switch
         * table (`EmergencyStore::tableId`; see HandlerFactory), by default the
         * wiki's own.
         *
         * @param mixed $host
         * @param int $refresh_seconds
         * @param string $wiki_id
         * @param string|null $switch_table
         */
        public function __construct(mixed $host, int $refresh_seconds, string $wiki_id, ?string $switch_table = null) {}

        /**
         * Runs whenever ConfirmEdit asks whether an action needs a CAPTCHA. Users
         * with skipcaptcha never get here; holders of captchaguard-exempt are let through.
         * Also says yes to a sign-up a CAPTCHA filter asked one of (see `account_creation`).
         *
         * The only hook method without a variadic tail: ext-php-rs parses
         * variadic calls with its allocating argument parser, which would cost
         * this per-call check several times over (`make bench`). It takes up to
         * three arguments beyond the documented ones instead.
         *
         * @param string $action
         * @param mixed $page
         * @param mixed $result
         * @param mixed $extra
         * @param mixed $extra2
         * @param mixed $extra3
         * @return void
         */
        public function onConfirmEditTriggersCaptcha(string $action, mixed $page, mixed $result, mixed $extra = null, mixed $extra2 = null, mixed $extra3 = null): void {}
    }

    /**
     * The hooks that say an action was saved, for the answers waiting for it.
     */
    class OutcomesHandler {
        /**
         * @param mixed $host
         */
        public function __construct(mixed $host) {}

        /**
         * @param mixed $user
         * @param mixed $autocreated
         * @param mixed $extra
         * @return void
         */
        public function onLocalUserCreated(mixed $user, mixed $autocreated, mixed ...$extra): void {}

        /**
         * A move a filter's CAPTCHA held up went through.
         *
         * @param mixed $old
         * @param mixed $new
         * @param mixed $user
         * @param mixed $page_id
         * @param mixed $redirect_id
         * @param mixed $reason
         * @param mixed $revision
         * @param mixed $extra
         * @return void
         */
        public function onPageMoveComplete(mixed $old, mixed $new, mixed $user, mixed $page_id, mixed $redirect_id, mixed $reason, mixed $revision, mixed ...$extra): void {}

        /**
         * @param mixed $wiki_page
         * @param mixed $user
         * @param mixed $summary
         * @param mixed $flags
         * @param mixed $revision_record
         * @param mixed $edit_result
         * @param mixed $extra
         * @return void
         */
        public function onPageSaveComplete(mixed $wiki_page, mixed $user, mixed $summary, mixed $flags, mixed $revision_record, mixed $edit_result, mixed ...$extra): void {}
    }

    class PageDisplayHandler {
        /**
         * `$purgeInterval` is `$wgCaptchaGuardSensitivePurgeInterval` (see HandlerFactory).
         *
         * @param mixed $host
         * @param int $purge_interval
         */
        public function __construct(mixed $host, int $purge_interval) {}

        /**
         * @param mixed $output
         * @param mixed $skin
         * @param mixed $extra
         * @return void
         */
        public function onBeforePageDisplay(mixed $output, mixed $skin, mixed ...$extra): void {}
    }

    class RefusedFormHandler {
        /**
         * @param mixed $host
         */
        public function __construct(mixed $host) {}

        /**
         * The API modules of the actions a filter's CAPTCHA can refuse declare
         * `captchaid` and `captchaword` (ConfirmEdit declares the edit's).
         *
         * @param mixed $module
         * @param mixed $params
         * @param mixed $flags
         * @param mixed $extra
         * @return void
         */
        public function onAPIGetAllowedParams(mixed $module, mixed $params, mixed $flags, mixed ...$extra): void {}

        /**
         * The refused action's page was drawn: its form gets the CAPTCHA.
         *
         * @param mixed $special
         * @param mixed $sub_page
         * @param mixed $extra
         * @return void
         */
        public function onSpecialPageAfterExecute(mixed $special, mixed $sub_page, mixed ...$extra): void {}
    }

    class RiskScoreEventsHandler {
        /**
         * @param mixed $host
         */
        public function __construct(mixed $host) {}

        /**
         * @param mixed $user
         * @param mixed $autocreated
         * @param mixed $extra
         * @return void
         */
        public function onLocalUserCreated(mixed $user, mixed $autocreated, mixed ...$extra): void {}

        /**
         * @param mixed $wiki_page
         * @param mixed $user
         * @param mixed $summary
         * @param mixed $flags
         * @param mixed $revision_record
         * @param mixed $edit_result
         * @param mixed $extra
         * @return void
         */
        public function onPageSaveComplete(mixed $wiki_page, mixed $user, mixed $summary, mixed $flags, mixed $revision_record, mixed $edit_result, mixed ...$extra): void {}
    }

    class SensitiveFiltersHandler {
        /**
         * `$offered`: AbuseFilter has protected variables (see HandlerFactory).
         *
         * @param mixed $host
         * @param bool $offered
         */
        public function __construct(mixed $host, bool $offered) {}

        /**
         * Check syntax in the filter editor says why rules with CheckUser-level
         * variables cannot be saved by this user, instead of "ok".
         *
         * @param mixed $module
         * @param mixed $extra
         * @return void
         */
        public function onAPIAfterExecute(mixed $module, mixed ...$extra): void {}

        /**
         * list=abusefilters and list=abuselog: removes what the viewer may not see, logs what they may.
         *
         * @param mixed $module
         * @param mixed $extra
         * @return void
         */
        public function onAPIQueryAfterExecute(mixed $module, mixed ...$extra): void {}

        /**
         * The AbuseFilter API modules that check or run rules; false refuses with `$message`.
         *
         * @param mixed $module
         * @param mixed $user
         * @param mixed $message
         * @param mixed $extra
         * @return bool
         */
        public function onApiCheckCanExecute(mixed $module, mixed $user, mixed $message, mixed ...$extra): bool {}

        /**
         * Special:AbuseFilter and Special:AbuseLog; returns false to stop the page.
         *
         * @param mixed $special
         * @param mixed $sub_page
         * @param mixed $extra
         * @return bool
         */
        public function onSpecialPageBeforeExecute(mixed $special, mixed $sub_page, mixed ...$extra): bool {}
    }

    class SensitiveVariablesHandler {
        /**
         * `$offered`: AbuseFilter has protected variables (see HandlerFactory).
         *
         * @param mixed $host
         * @param bool $offered
         */
        public function __construct(mixed $host, bool $offered) {}

        /**
         * Lists the variables in the filter editor, each with its localised description.
         *
         * @param mixed $real_values
         * @param mixed $extra
         * @return void
         */
        public function onAbuseFilter_builder(mixed $real_values, mixed ...$extra): void {}

        /**
         * Declares the variables, lazily, for the action being filtered.
         *
         * @param mixed $vars
         * @param mixed $user
         * @param mixed $recent_change
         * @param mixed $extra
         * @return void
         */
        public function onAbuseFilter_generateUserVars(mixed $vars, mixed $user, mixed $recent_change, mixed ...$extra): void {}

        /**
         * Computes a variable declared above; returns false once it has.
         *
         * @param mixed $method
         * @param mixed $vars
         * @param mixed $parameters
         * @param mixed $result
         * @param mixed $extra
         * @return bool
         */
        public function onAbuseFilter_interceptVariable(mixed $method, mixed $vars, mixed $parameters, mixed $result, mixed ...$extra): bool {}
    }

    /**
     * `AuthChangeFormFields`: the sign-up form shown again after a wrong answer
     * to a filter's CAPTCHA has a new CAPTCHA and an empty answer field (not the
     * wrong word). Only that second form of the request: the one the answer is
     * read from still takes it from the request.
     */
    class SignUpFormHandler {
        /**
         * @param mixed $host
         */
        public function __construct(mixed $host) {}

        /**
         * @param mixed $requests
         * @param mixed $field_info
         * @param mixed $form_descriptor
         * @param mixed $action
         * @param mixed $extra
         * @return void
         */
        public function onAuthChangeFormFields(mixed $requests, mixed $field_info, mixed $form_descriptor, mixed $action, mixed ...$extra): void {}
    }
}

namespace MediaWiki\Extension\CaptchaGuard\Outcomes {
    /**
     * What the host's end-of-request writer takes.
     */
    class OutcomeRecorder {
        public function __construct() {}

        /**
         * The oldest day kept (90 days up to today); older rows are deleted.
         *
         * @return string
         */
        public static function oldestKeptDay(): string {}

        /**
         * This request's counts so far, handed over once.
         *
         * @return array
         */
        public static function takeCounts(): array {}
    }

    /**
     * The figures pages and API modules show. A panic here becomes a PHP Error.
     */
    class OutcomeReport {
        /**
         * The source of the emergency switch's CAPTCHAs.
         */
        public const EMERGENCY = 'emergency';

        public function __construct() {}

        /**
         * The chart of `$days` (per-day rows, oldest first) as SVG; the words are localised by the caller.
         *
         * @param array $days
         * @param string $title
         * @param string $description
         * @param string $solved
         * @param string $abandoned
         * @param string $open
         * @return string
         */
        public static function chart(array $days, string $title, string $description, string $solved, string $abandoned, string $open): string {}

        /**
         * The last `$count` UTC days up to today, oldest first (`YYYYMMDD`).
         *
         * @param int $count
         * @return array
         */
        public static function lastDays(int $count): array {}

        /**
         * One row per day of `$days` (oldest first), summed over actions.
         *
         * @param array $rows
         * @param array $days
         * @return array
         */
        public static function perDay(array $rows, array $days): array {}

        /**
         * The stored rows as shown now; `$lifetime` is the CAPTCHA's, in seconds.
         *
         * @param array $rows
         * @param int $lifetime
         * @return array
         */
        public static function settle(array $rows, int $lifetime): array {}

        /**
         * Solved out of the challenges whose fate is known, 0 to 1; null while none is.
         *
         * @param array $rows
         * @return float|null
         */
        public static function solveRate(array $rows): ?float {}
    }
}

namespace MediaWiki\Extension\CaptchaGuard\Sensitive {
    /**
     * The kinds of access, as PHP names them (each is an action of the
     * `captchaguard-sensitive` log): named once, in `SensitiveAccess`.
     */
    class SensitiveAccess {
        public const TEST = 'test';

        public const VIEW_FILTER = 'view-filter';

        public const VIEW_HITS = 'view-hits';

        public function __construct() {}
    }
}

namespace MediaWiki\Extension\CaptchaGuard\Value {
    /**
     * A change `EmergencyPolicy::validate` accepted, as the store keeps it.
     */
    class AcceptedChange {
        /**
         * Trigger names, in display order.
         *
         * @var array
         */
        public array $actions;

        public bool $active;

        /**
         * Unix time; 0 when switching off.
         *
         * @var int
         */
        public int $expiry;

        public string $reason;

        /**
         * The same, as the table stores them.
         *
         * @var string
         */
        public string $storedActions;

        /**
         * Wiki IDs, or `*` alone for every wiki.
         *
         * @var array
         */
        public array $wikis;

        public function __construct() {}
    }

    /**
     * What other extensions said of a challenge (`Host::beforeChallenge`, the
     * CaptchaGuardBeforeChallenge hook).
     */
    class ChallengeVerdict {
        /**
         * Whether to ask for the CAPTCHA (an action CaptchaGuard covers).
         *
         * @var bool
         */
        public bool $challenge;

        /**
         * Whether an extension took over an action CaptchaGuard does not cover.
         *
         * @var bool
         */
        public bool $claimed;

        /**
         * @param bool $challenge
         * @param bool $claimed
         */
        public function __construct(bool $challenge, bool $claimed) {}
    }

    /**
     * The client of the current request (`Host::client`).
     */
    class ClientFacts {
        public string $ip;

        /**
         * Empty when the request had no User-Agent header.
         *
         * @var string
         */
        public string $userAgent;

        /**
         * @param string $ip
         * @param string $userAgent
         */
        public function __construct(string $ip, string $userAgent) {}
    }

    /**
     * A matching filter, as `AbuseFilterCompat::hit` reads it from AbuseFilter's Parameters.
     */
    class FilterHit {
        /**
         * The filter's ID, `global-N` for a global filter.
         *
         * @var string
         */
        public string $filter;

        /**
         * What the user did, as AbuseFilter names it (`edit`, `move`…).
         *
         * @var string
         */
        public string $filteredAction;

        /**
         * The page acted on, as its prefixed text (for the CaptchaGuardBeforeChallenge hook).
         *
         * @var string
         */
        public string $page;

        /**
         * The session key AbuseFilter's `warn` uses for this filter, page and action.
         *
         * @var string
         */
        public string $warnKey;

        /**
         * @param string $filter
         * @param string $filteredAction
         * @param string $warnKey
         * @param string $page
         */
        public function __construct(string $filter, string $filteredAction, string $warnKey, string $page) {}
    }

    /**
     * One CAPTCHA outcome to count (`OutcomeRecorder::takeCounts`, written by
     * `OutcomeStore`): counts only, with nothing of the user.
     */
    class OutcomeCount {
        /**
         * What was filtered (`edit`, `createaccount`) or the switch's trigger.
         *
         * @var string
         */
        public string $action;

        /**
         * The UTC day its challenge began, `YYYYMMDD`.
         *
         * @var string
         */
        public string $day;

        /**
         * `challenged`, `solved` or `failed`: also the column it adds to.
         *
         * @var string
         */
        public string $outcome;

        /**
         * A filter's ID, or `emergency`.
         *
         * @var string
         */
        public string $source;

        /**
         * @param string $source
         * @param string $action
         * @param string $day
         * @param string $outcome
         */
        public function __construct(string $source, string $action, string $day, string $outcome) {}
    }

    /**
     * A day's outcomes as shown (`OutcomeReport::settle`): `abandoned` once
     * the day's CAPTCHAs can no longer be answered, `open` until then.
     */
    class OutcomeDay {
        public int $abandoned;

        /**
         * Empty in the per-day sums of `OutcomeReport::perDay`.
         *
         * @var string
         */
        public string $action;

        public int $challenged;

        /**
         * The same day as ISO 8601 (`YYYY-MM-DD`), as pages and the API show it.
         *
         * @var string
         */
        public string $date;

        /**
         * `YYYYMMDD`, as stored.
         *
         * @var string
         */
        public string $day;

        public int $failed;

        public int $open;

        public int $solved;

        public function __construct() {}
    }

    /**
     * The current user, as CaptchaGuard's decisions see them (`Host::performer`).
     */
    class PerformerFacts {
        public bool $bot;

        public bool $exempt;

        /**
         * 0 for anonymous users.
         *
         * @var int
         */
        public int $id;

        public string $name;

        public bool $registered;

        public bool $skipsCaptcha;

        public bool $system;

        /**
         * @param int $id
         * @param string $name
         * @param bool $registered
         * @param bool $skipsCaptcha
         * @param bool $exempt
         * @param bool $bot
         * @param bool $system
         */
        public function __construct(int $id, string $name, bool $registered, bool $skipsCaptcha, bool $exempt, bool $bot, bool $system) {}
    }

    /**
     * A saved edit, from PageSaveComplete's objects (`HookObjects::savedEdit`).
     */
    class SavedEdit {
        public int $pageId;

        public int $performerId;

        public string $performerName;

        public int $revisionId;

        /**
         * @param int $performerId
         * @param string $performerName
         * @param int $pageId
         * @param int $revisionId
         */
        public function __construct(int $performerId, string $performerName, int $pageId, int $revisionId) {}
    }

    /**
     * One look at a CheckUser-level filter that a page or module is about to
     * give (`SensitiveRequests::of*`).
     */
    class SensitiveTouch {
        /**
         * A `SensitiveAccess` constant.
         *
         * @var string
         */
        public string $access;

        /**
         * The filter or AbuseLog entry.
         *
         * @var string
         */
        public string $target;

        /**
         * The rules run, for a test; empty otherwise.
         *
         * @var string
         */
        public string $tested;

        /**
         * The page or API module actually used.
         *
         * @var string
         */
        public string $via;

        /**
         * @param string $access
         * @param string $target
         * @param string $via
         * @param string $tested
         */
        public function __construct(string $access, string $target, string $via, string $tested) {}
    }

    /**
     * hCaptcha's breaker after one verification (`SiteverifyHealth::afterVerification`):
     * what the server stores, and what changed.
     */
    class SiteverifyState {
        public int $failuresInARow;

        /**
         * Unix time until which the fallback CAPTCHA is asked (0: not since siteverify answered).
         *
         * @var int
         */
        public int $fallbackUntil;

        /**
         * `fell-back` when the fallback starts with this verification,
         * `recovered` when siteverify answered after a fallback, else empty.
         *
         * @var string
         */
        public string $transition;

        public function __construct() {}
    }

    /**
     * A day's stored counts for one action (`OutcomeStore::daily`).
     */
    class StoredOutcomes {
        public string $action;

        public int $challenged;

        public string $day;

        public int $failed;

        public int $solved;

        /**
         * @param string $day
         * @param string $action
         * @param int $challenged
         * @param int $solved
         * @param int $failed
         */
        public function __construct(string $day, string $action, int $challenged, int $solved, int $failed) {}
    }

    /**
     * The emergency switch as stored (`EmergencyStore::current`, and
     * `switchesInEffect`, which reads the first three fields, the row's ID and
     * its wiki); `EmergencyPolicy::state()` says what it means now.
     */
    class StoredSwitch {
        /**
         * As stored: comma-separated trigger names.
         *
         * @var string
         */
        public string $actions;

        public bool $active;

        /**
         * Unix time; 0 when switched off.
         *
         * @var int
         */
        public int $expiry;

        /**
         * The row's ID: a later change has a greater one.
         *
         * @var int
         */
        public int $id;

        public string $reason;

        /**
         * Unix time of the change.
         *
         * @var int
         */
        public int $timestamp;

        /**
         * As this wiki names them: `origin>Name` for a change made on another wiki.
         *
         * @var string
         */
        public string $user;

        /**
         * The wiki it was made for, `*` for every wiki.
         *
         * @var string
         */
        public string $wiki;

        /**
         * PHP builds it with named arguments, each optional one only where read.
         *
         * @param bool $active
         * @param string $actions
         * @param int $expiry
         * @param string|null $reason
         * @param string|null $user
         * @param int|null $timestamp
         * @param string|null $wiki
         * @param int|null $id
         */
        public function __construct(bool $active, string $actions, int $expiry, ?string $reason = null, ?string $user = null, ?int $timestamp = null, ?string $wiki = null, ?int $id = null) {}
    }

    /**
     * A change as Special:EmergencyCaptcha or the API received it, with what
     * the farm and the performer's rights allow (`EmergencyPolicy::validate`).
     */
    class SwitchChange {
        /**
         * @param bool $on
         * @param array $actions
         * @param bool $expiryGiven
         * @param string $reason
         * @param int $maxSeconds
         * @param array $wikis
         * @param string $currentWiki
         * @param array $knownWikis
         * @param bool $maySwitchOthers
         * @param int|null $expiry
         */
        public function __construct(bool $on, array $actions, bool $expiryGiven, string $reason, int $maxSeconds, array $wikis, string $currentWiki, array $knownWikis, bool $maySwitchOthers, ?int $expiry = null) {}
    }

    /**
     * Why `EmergencyPolicy::validate` refused a change.
     */
    class SwitchRefusal {
        /**
         * The API error code.
         *
         * @var string
         */
        public string $code;

        /**
         * The first parameter is seconds, shown as a duration.
         *
         * @var bool
         */
        public bool $durationParam;

        /**
         * The message key.
         *
         * @var string
         */
        public string $message;

        public array $params;

        public function __construct() {}
    }

    /**
     * The switch as people and the API see it (`EmergencyPolicy::state`).
     */
    class SwitchState {
        /**
         * Covered triggers, in display order; empty when not active.
         *
         * @var array
         */
        public array $actions;

        public bool $active;

        /**
         * Unix time; null when not active.
         *
         * @var int|null
         */
        public ?int $expiry = null;

        public function __construct() {}
    }

    /**
     * A user a hook passed (`HookObjects::user`).
     */
    class UserFacts {
        public int $id;

        public string $name;

        /**
         * @param int $id
         * @param string $name
         */
        public function __construct(int $id, string $name) {}
    }

    /**
     * What the viewer holds of the two levels (`SensitiveRequests::viewer`).
     */
    class ViewerRights {
        /**
         * AbuseFilter's own level for protected variables.
         *
         * @var bool
         */
        public bool $protectedAccess;

        /**
         * `captchaguard-sensitive-filters`.
         *
         * @var bool
         */
        public bool $sensitiveRight;

        /**
         * @param bool $sensitiveRight
         * @param bool $protectedAccess
         */
        public function __construct(bool $sensitiveRight, bool $protectedAccess) {}
    }
}
