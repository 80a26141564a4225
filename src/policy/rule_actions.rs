//! Which actions a filter's rules can match, read from its conditions on the
//! `action` variable, so the filter editor can refuse a CAPTCHA action on a
//! filter that can only match actions no CAPTCHA can be asked for.
//!
//! The reading over-approximates: a condition it does not follow can match
//! every action. Conditions on `action` narrow it: `==`/`===` with a name,
//! `!=`/`!==` (every action but that one), `in [...]` (AbuseFilter's
//! "contained in") and `rlike`/`irlike`/`regex` with a plain alternation
//! (`^(edit|move)$`, anchors respected). `&`, `|` and `^` have one precedence
//! and group left to right, as in AbuseFilter (`AFPTreeParser`); `&` keeps
//! the actions both sides can match, `|` and `^` those either can. A
//! conditional (`a ? b : c`) and a negation (`!`) do not narrow.

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
                    // As AbuseFilter reads them: an unknown escape keeps its backslash.
                    match chars[i] {
                        'n' => text.push('\n'),
                        'r' => text.push('\r'),
                        't' => text.push('\t'),
                        '\\' | '"' | '\'' => text.push(chars[i]),
                        other => {
                            text.push('\\');
                            text.push(other);
                        }
                    }
                } else {
                    text.push(chars[i]);
                }
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

/// The actions a part of a rule can match, among [`ABUSEFILTER_ACTIONS`].
type Limit = BTreeSet<&'static str>;

fn every_action() -> Limit {
    ABUSEFILTER_ACTIONS.into_iter().collect()
}

/// Nesting read before a deeper rule counts as one that can match anything:
/// the reader recurses once per parenthesis and must not run out of stack.
const MAX_DEPTH: usize = 32;

struct Reader {
    tokens: Vec<Token>,
    at: usize,
    depth: usize,
}

impl Reader {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn is_op(&self, ops: &[&str]) -> bool {
        matches!(self.peek(), Some(Token::Op(op)) if ops.contains(&op.as_str()))
    }

    /// One level: operands joined by `&`, `|` and `^`, left to right.
    fn level(&mut self) -> Limit {
        let mut limit = self.operand();
        loop {
            if self.is_op(&["&"]) {
                self.at += 1;
                let other = self.operand();
                limit = limit.intersection(&other).copied().collect();
            } else if self.is_op(&["|", "^"]) {
                self.at += 1;
                let other = self.operand();
                limit = limit.union(&other).copied().collect();
            } else {
                break;
            }
        }
        // A conditional binds loosest: none of this level narrows the rule.
        if self.is_op(&["?", ":"]) {
            self.advance_to(&[]);
            return every_action();
        }
        limit
    }

    /// To the end of this level (the `)` that closes it, or the end), or to
    /// the first of `stops` outside brackets.
    fn advance_to(&mut self, stops: &[&str]) {
        let mut depth = 0usize;
        while let Some(token) = self.peek() {
            match token {
                Token::Op(op) if op == "(" || op == "[" => depth += 1,
                Token::Op(op) if op == ")" || op == "]" => {
                    if depth == 0 {
                        return;
                    }
                    depth -= 1;
                }
                Token::Op(op) if depth == 0 && stops.contains(&op.as_str()) => return,
                _ => {}
            }
            self.at += 1;
        }
    }

    /// A parenthesised level on its own, or a run of tokens up to the next
    /// `&`, `|`, `^`, `?`, `:` or `)` at this depth, read as one comparison.
    fn operand(&mut self) -> Limit {
        if self.is_op(&["("]) && self.depth < MAX_DEPTH {
            let start = self.at;
            self.at += 1;
            self.depth += 1;
            let inner = self.level();
            self.depth -= 1;
            if self.is_op(&[")"]) {
                self.at += 1;
                if self.peek().is_none() || self.is_op(&["&", "|", "^", ")", "?", ":"]) {
                    return inner;
                }
            }
            // Compared or combined with more: read as a run below.
            self.at = start;
        }
        let start = self.at;
        self.advance_to(&["&", "|", "^", "?", ":"]);
        comparison(&self.tokens[start..self.at])
    }
}

/// The actions one comparison can match: narrowed by a test of `action`,
/// every action otherwise.
fn comparison(condition: &[Token]) -> Limit {
    let action = Token::Name("action".into());
    match condition {
        [a, Token::Op(op), Token::Text(name)] | [Token::Text(name), Token::Op(op), a]
            if *a == action && (op == "==" || op == "===") =>
        {
            every_action()
                .into_iter()
                .filter(|known| known == name)
                .collect()
        }
        [a, Token::Op(op), Token::Text(name)] | [Token::Text(name), Token::Op(op), a]
            if *a == action && (op == "!=" || op == "!==") =>
        {
            every_action()
                .into_iter()
                .filter(|known| known != name)
                .collect()
        }
        [a, Token::Name(op), Token::Text(pattern)]
            if *a == action && ["rlike", "regex", "irlike"].contains(&op.as_str()) =>
        {
            alternation(pattern, op == "irlike")
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
            match listed {
                Some(listed) => every_action()
                    .into_iter()
                    .filter(|name| listed.iter().any(|text| text.contains(name)))
                    .collect(),
                None => every_action(),
            }
        }
        _ => every_action(),
    }
}

/// `^(edit|move)$`, `^upload`, `edit|move` and the like: the names it can
/// match; every action for a pattern that is more than a plain alternation.
fn alternation(pattern: &str, ignore_case: bool) -> Limit {
    let pattern = if ignore_case {
        pattern.to_lowercase()
    } else {
        pattern.to_owned()
    };
    let at_start = pattern.starts_with('^');
    let at_end = pattern.ends_with('$') && !pattern.ends_with("\\$");
    let inner = pattern.strip_prefix('^').unwrap_or(&pattern);
    let inner = if at_end {
        &inner[..inner.len() - 1]
    } else {
        inner
    };
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
        return every_action();
    }
    every_action()
        .into_iter()
        .filter(|name| {
            alternatives.iter().any(|a| match (at_start, at_end) {
                (true, true) => name == a,
                (true, false) => name.starts_with(a),
                (false, true) => name.ends_with(a),
                (false, false) => name.contains(a),
            })
        })
        .collect()
}

/// The actions `rules` can match, as far as its conditions on `action` say.
pub fn matched_actions(rules: &str) -> BTreeSet<&'static str> {
    let mut reader = Reader {
        tokens: tokens(rules),
        at: 0,
        depth: 0,
    };
    let limit = reader.level();
    // Tokens left over (an unbalanced `)`): a rule this reading does not follow.
    if reader.peek().is_some() {
        return every_action();
    }
    limit
}

/// When a filter with these rules can only match actions that cannot take
/// a CAPTCHA: those actions (what the filter editor refuses a CAPTCHA action
/// with). Empty when it can match an action that can, or none at all.
pub fn uncovered_actions(rules: &str) -> Vec<String> {
    let matched = matched_actions(rules);
    let uncovered =
        |name: &&str| FilteredAction::from_abusefilter(name) == FilteredAction::Uncovered;
    if matched.is_empty() || !matched.iter().all(uncovered) {
        return Vec::new();
    }
    matched.into_iter().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(names: &[&'static str]) -> BTreeSet<&'static str> {
        names.iter().copied().collect()
    }

    #[test]
    fn a_rule_without_a_condition_on_action_can_match_any() {
        assert_eq!(
            matched_actions(r#"added_lines rlike "spam""#),
            every_action()
        );
        assert_eq!(matched_actions("user_editcount < 10"), every_action());
        assert_eq!(matched_actions(""), every_action());
        assert!(uncovered_actions("user_editcount < 10").is_empty());
    }

    #[test]
    fn equalities_joined_by_and_narrow_the_rule() {
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
        // Matching nothing at all is not refused for a CAPTCHA.
        assert!(uncovered_actions(r#"action == "edit" & action == "delete""#).is_empty());
    }

    #[test]
    fn only_a_filter_that_can_match_nothing_but_uncovered_actions_is_refused() {
        assert_eq!(
            uncovered_actions(r#"(action == "delete" | action == "autocreateaccount") & x"#),
            vec!["autocreateaccount".to_owned(), "delete".to_owned()]
        );
        // Edits can take the CAPTCHA: saved.
        assert!(
            uncovered_actions(r#"(action == "edit" | action == "autocreateaccount") & x"#)
                .is_empty()
        );
        assert!(
            uncovered_actions(r#"action == "createaccount" | action == "autocreateaccount""#)
                .is_empty()
        );
        // The usual way to filter uploads: upload and stashupload.
        assert!(uncovered_actions(r#"action rlike "upload" & file_size > 100"#).is_empty());
        assert_eq!(
            uncovered_actions(r#"action == "stashupload""#),
            vec!["stashupload".to_owned()]
        );
    }

    #[test]
    fn and_or_xor_have_one_precedence_left_to_right_as_in_abusefilter() {
        // (a | b) & delete: deletions only.
        assert_eq!(
            matched_actions(r#"!user_autoconfirmed | user_age < 60 & action == "delete""#),
            set(&["delete"])
        );
        // (delete | move) & move: moves only.
        assert_eq!(
            matched_actions(r#"action == "delete" | action == "move" & action == "move""#),
            set(&["move"])
        );
        assert_eq!(
            matched_actions(r#"action == "edit" | user_age < 5"#),
            every_action()
        );
        assert_eq!(
            matched_actions(r#"action == "edit" ^ action == "move""#),
            set(&["edit", "move"])
        );
    }

    #[test]
    fn a_conditional_does_not_narrow() {
        assert_eq!(
            matched_actions(r#"user_age < 60 ? true : x & action == "delete""#),
            every_action()
        );
        assert_eq!(
            matched_actions(r#"action == "move" & (a ? b : action == "delete")"#),
            set(&["move"])
        );
    }

    #[test]
    fn lists_and_plain_alternations_narrow_the_rule() {
        // AbuseFilter's `in` is "contained in": "upload" is in "stashupload".
        assert_eq!(
            matched_actions(r#"action in ["edit", "stashupload"] & x"#),
            set(&["edit", "stashupload", "upload"])
        );
        assert_eq!(
            matched_actions(r#"action rlike "^(move|delete)$""#),
            set(&["delete", "move"])
        );
        assert_eq!(
            matched_actions(r#"action rlike "^upload""#),
            set(&["upload"])
        );
        assert_eq!(
            matched_actions(r#"action rlike "^(upload)""#),
            set(&["upload"])
        );
        assert_eq!(
            matched_actions(r#"action rlike "upload$""#),
            set(&["stashupload", "upload"])
        );
        assert_eq!(
            matched_actions(r#"action irlike "^DELETE$""#),
            set(&["delete"])
        );
        assert_eq!(matched_actions(r#"action rlike "^mo.e$""#), every_action());
    }

    #[test]
    fn a_negated_action_is_taken_out() {
        assert_eq!(
            matched_actions(r#"action in ["edit", "delete"] & action != "delete""#),
            set(&["edit"])
        );
        assert!(uncovered_actions(r#"action != "edit""#).is_empty());
        assert_eq!(matched_actions(r#"!(action == "delete")"#), every_action());
    }

    #[test]
    fn comments_text_and_unknown_shapes() {
        assert_eq!(
            matched_actions(r#"/* deletions only */ action == "delete""#),
            set(&["delete"])
        );
        assert_eq!(matched_actions(r#"action == summary"#), every_action());
        assert_eq!(
            matched_actions(r#"(action == "delete") == false"#),
            every_action()
        );
        // Text that only looks like a condition.
        assert_eq!(
            matched_actions(r#"summary == "action == 'delete'""#),
            every_action()
        );
    }

    #[test]
    fn deep_nesting_is_read_without_running_out_of_stack() {
        let deep = format!(
            "{}action == \"delete\"{}",
            "(".repeat(100_000),
            ")".repeat(100_000)
        );
        assert_eq!(matched_actions(&deep), every_action());
        let shallow = format!("{}action == \"delete\"{}", "(".repeat(10), ")".repeat(10));
        assert_eq!(matched_actions(&shallow), set(&["delete"]));
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
            "? : ?",
            "ä == \"ö\"",
            "action in [\"edit\" \"move\"]",
            "action rlike \"$\"",
            "action rlike \"^\"",
        ] {
            let _ = matched_actions(rules);
            let _ = uncovered_actions(rules);
        }
    }
}
