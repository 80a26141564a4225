//! Which actions a filter's rules can match, read from its conditions on the
//! `action` variable, so the filter editor can say when a CAPTCHA filter can
//! match actions a CAPTCHA cannot be asked for.
//!
//! A rule is limited to some actions when conditions joined by `&` compare
//! `action` with names (`action == "edit"`, `action === 'move'`,
//! `action in ["edit", "upload"]`... as AbuseFilter's `==`/`===` or a plain
//! alternation such as `action rlike "^(edit|move)$"`); `|` joins the limits
//! of both sides. Anything else (a negation, a variable compared with
//! `action`, a rule that never reads it) does not limit the rule: it can
//! match every action, and is not refused for that.

use std::collections::BTreeSet;

use super::challenge::FilteredAction;

/// Every action AbuseFilter filters, by its `action` variable's value.
pub const ABUSEFILTER_ACTIONS: [&str; 7] = [
    "edit",
    "createaccount",
    "autocreateaccount",
    "move",
    "upload",
    "stashupload",
    "delete",
];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Name(String),
    Text(String),
    Op(String),
}

fn tokens(rules: &str) -> Vec<Token> {
    let chars: Vec<char> = rules.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            // A comment runs to its end, or to the end of the rules.
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i += 2;
        } else if c == '"' || c == '\'' {
            let mut text = String::new();
            i += 1;
            while i < chars.len() && chars[i] != c {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    i += 1;
                }
                text.push(chars[i]);
                i += 1;
            }
            i += 1;
            out.push(Token::Text(text));
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let name: String = chars[start..i].iter().collect();
            out.push(Token::Name(name.to_lowercase()));
        } else {
            let two: String = chars[i..chars.len().min(i + 3)].iter().collect();
            let op = ["===", "!==", "==", "!=", "<=", ">=", "**"]
                .into_iter()
                .find(|op| two.starts_with(op))
                .unwrap_or(&two[..c.len_utf8()]);
            i += op.chars().count();
            out.push(Token::Op(op.to_owned()));
        }
    }
    out
}

/// The actions a part of a rule limits it to; `None`: not limited.
type Limit = Option<BTreeSet<String>>;

struct Reader {
    tokens: Vec<Token>,
    at: usize,
}

impl Reader {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn is_op(&self, ops: &[&str]) -> bool {
        matches!(self.peek(), Some(Token::Op(op)) if ops.contains(&op.as_str()))
    }

    /// `a | b`, `a ^ b` (xor limits no more than or).
    fn any_of(&mut self) -> Limit {
        let mut limit = self.all_of();
        while self.is_op(&["|", "^"]) {
            self.next();
            let other = self.all_of();
            limit = match (limit, other) {
                (Some(a), Some(b)) => Some(a.union(&b).cloned().collect()),
                _ => None,
            };
        }
        limit
    }

    /// `a & b`: both limits hold.
    fn all_of(&mut self) -> Limit {
        let mut limit = self.condition();
        while self.is_op(&["&"]) {
            self.next();
            let other = self.condition();
            limit = match (limit, other) {
                (Some(a), Some(b)) => Some(a.intersection(&b).cloned().collect()),
                (Some(a), None) | (None, Some(a)) => Some(a),
                (None, None) => None,
            };
        }
        limit
    }

    /// One condition: a parenthesised rule, or a run of tokens up to the
    /// next `&`, `|`, `^` or `)` at this depth.
    fn condition(&mut self) -> Limit {
        if self.is_op(&["("]) {
            let start = self.at;
            self.next();
            let inner = self.any_of();
            if self.is_op(&[")"]) {
                self.next();
                // A parenthesised rule compared or combined with more is not a limit.
                if self.peek().is_none() || self.is_op(&["&", "|", "^", ")"]) {
                    return inner;
                }
            }
            self.at = start;
        }
        let start = self.at;
        let mut depth = 0usize;
        while let Some(token) = self.peek() {
            match token {
                Token::Op(op) if ["(", "["].contains(&op.as_str()) => depth += 1,
                Token::Op(op) if [")", "]"].contains(&op.as_str()) => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                }
                Token::Op(op) if depth == 0 && ["&", "|", "^"].contains(&op.as_str()) => break,
                _ => {}
            }
            self.next();
        }
        comparison(&self.tokens[start..self.at])
    }
}

/// The limit of one comparison: `action == "x"` (either way round), `action
/// in [...]` of names, `action rlike` a plain alternation of names.
fn comparison(condition: &[Token]) -> Limit {
    let action = Token::Name("action".into());
    match condition {
        [a, Token::Op(op), Token::Text(name)] | [Token::Text(name), Token::Op(op), a]
            if *a == action && (op == "==" || op == "===") =>
        {
            Some(BTreeSet::from([name.clone()]))
        }
        [a, Token::Name(op), Token::Text(pattern)]
            if *a == action && ["rlike", "regex", "irlike"].contains(&op.as_str()) =>
        {
            alternation(pattern)
        }
        [a, Token::Name(op), Token::Op(open), list @ .., Token::Op(close)]
            if *a == action && op == "in" && open == "[" && close == "]" =>
        {
            let listed: Option<Vec<&str>> = list
                .iter()
                .filter(|t| **t != Token::Op(",".into()))
                .map(|t| match t {
                    Token::Text(text) => Some(text.as_str()),
                    _ => None,
                })
                .collect();
            // AbuseFilter's `in` is "contained in": in a list, in one of its strings.
            let listed = listed?;
            Some(
                ABUSEFILTER_ACTIONS
                    .into_iter()
                    .filter(|name| listed.iter().any(|text| text.contains(name)))
                    .map(str::to_owned)
                    .collect(),
            )
        }
        _ => None,
    }
}

/// `^(edit|move)$`, `edit|move` and the like: the names it can match.
fn alternation(pattern: &str) -> Limit {
    let anchored = pattern.starts_with('^') && pattern.ends_with('$');
    let inner = pattern.trim_start_matches('^').trim_end_matches('$');
    let inner = inner
        .strip_prefix("(?:")
        .or_else(|| inner.strip_prefix('('))
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or(inner);
    let alternatives: Vec<&str> = inner.split('|').collect();
    if alternatives
        .iter()
        .any(|a| a.is_empty() || !a.chars().all(|c| c.is_ascii_alphabetic()))
    {
        return None;
    }
    // Unanchored, "edit" also matches inside other names: whichever contain it.
    Some(
        ABUSEFILTER_ACTIONS
            .into_iter()
            .filter(|name| {
                alternatives.iter().any(|a| {
                    if anchored {
                        name == a
                    } else {
                        name.contains(a)
                    }
                })
            })
            .map(str::to_owned)
            .collect(),
    )
}

/// The actions `rules` can match: `None` when its conditions do not limit
/// `action` (it can match any).
pub fn matched_actions(rules: &str) -> Option<BTreeSet<String>> {
    let mut reader = Reader {
        tokens: tokens(rules),
        at: 0,
    };
    let limit = reader.any_of();
    // Tokens left over: a rule this reading does not follow, so no limit.
    if reader.peek().is_some() {
        return None;
    }
    limit
}

/// The actions a filter with a CAPTCHA action and `rules` is limited to that
/// cannot take a CAPTCHA: what the filter editor refuses with.
pub fn uncovered_actions(rules: &str) -> Vec<String> {
    matched_actions(rules)
        .unwrap_or_default()
        .into_iter()
        .filter(|name| {
            ABUSEFILTER_ACTIONS.contains(&name.as_str())
                && FilteredAction::from_abusefilter(name) == FilteredAction::Uncovered
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(names: &[&str]) -> Option<BTreeSet<String>> {
        Some(names.iter().map(|n| n.to_string()).collect())
    }

    #[test]
    fn a_rule_without_a_condition_on_action_can_match_any() {
        assert_eq!(matched_actions(r#"added_lines rlike "spam""#), None);
        assert_eq!(matched_actions("user_editcount < 10"), None);
        assert_eq!(matched_actions(""), None);
        assert!(uncovered_actions("user_editcount < 10").is_empty());
    }

    #[test]
    fn equalities_joined_by_and_limit_the_rule() {
        assert_eq!(
            matched_actions(r#"action == "delete" & user_editcount < 10"#),
            set(&["delete"])
        );
        assert_eq!(
            matched_actions(r#"user_age < 60 & 'move' === action"#),
            set(&["move"])
        );
        assert_eq!(
            matched_actions(r#"action == "edit" & action == "delete""#),
            set(&[])
        );
        assert_eq!(
            uncovered_actions(r#"action == "delete" & page_title rlike "x""#),
            vec!["delete".to_owned()]
        );
        assert!(uncovered_actions(r#"action == "edit" & added_lines rlike "x""#).is_empty());
    }

    #[test]
    fn or_joins_limits_and_an_unlimited_side_lifts_them() {
        assert_eq!(
            matched_actions(r#"(action == "edit" | action == "autocreateaccount") & x"#),
            set(&["autocreateaccount", "edit"])
        );
        assert_eq!(
            uncovered_actions(r#"(action == "edit" | action == "autocreateaccount") & x"#),
            vec!["autocreateaccount".to_owned()]
        );
        assert_eq!(matched_actions(r#"action == "edit" | user_age < 5"#), None);
    }

    #[test]
    fn lists_and_plain_alternations_limit_the_rule() {
        // AbuseFilter's `in` is "contained in": "upload" is in "stashupload".
        assert_eq!(
            matched_actions(r#"action in ["edit", "stashupload"] & x"#),
            set(&["edit", "stashupload", "upload"])
        );
        assert_eq!(
            matched_actions(r#"action rlike "^(move|delete)$""#),
            set(&["delete", "move"])
        );
        // Unanchored: "upload" is also inside "stashupload".
        assert_eq!(
            matched_actions(r#"action rlike "upload""#),
            set(&["stashupload", "upload"])
        );
        assert_eq!(matched_actions(r#"action rlike "^mo.e$""#), None);
    }

    #[test]
    fn negations_comments_and_unknown_shapes_do_not_limit() {
        assert_eq!(matched_actions(r#"!(action == "delete")"#), None);
        assert_eq!(matched_actions(r#"action != "delete""#), None);
        assert_eq!(
            matched_actions(r#"/* deletions only */ action == "delete""#),
            set(&["delete"])
        );
        assert_eq!(matched_actions(r#"action == summary"#), None);
        assert_eq!(matched_actions(r#"(action == "delete") == false"#), None);
        // Text that only looks like a condition.
        assert_eq!(matched_actions(r#"summary == "action == 'delete'""#), None);
    }

    #[test]
    fn unbalanced_and_odd_rules_do_not_panic() {
        for rules in [
            "(((",
            ")",
            "action ==",
            "action in [",
            "'unterminated",
            "/* open",
            "a & & | ^ b",
            "ä == \"ö\"",
            "action in [\"edit\" \"move\"]",
        ] {
            let _ = matched_actions(rules);
            let _ = uncovered_actions(rules);
        }
    }
}
