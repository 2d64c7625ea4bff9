//! The password policy of every account (issue 9 §3): at least [`MIN_CHARS`] characters,
//! not the user name, and not a common or easily guessed password. "Common" is judged by
//! the `zxcvbn` strength estimator (dictionaries of common passwords, names and words,
//! keyboard patterns, dates, repeats), not by a hand-written list; the user's own name
//! and user name count as known words. See `docs/decisions/009-accounts-and-first-start.md`.

use super::{ServiceError, ServiceResult};

/// Fewest characters (not bytes) a password may have.
pub const MIN_CHARS: usize = 10;
/// Most characters: argon2 hashes anything, but nobody types more, and a megabyte-long
/// "password" would only cost the server time.
pub const MAX_CHARS: usize = 128;
/// Lowest acceptable zxcvbn score (0–4). 3 = "safely unguessable" against an online
/// attacker and a slow hash offline — what an argon2-hashed password needs.
const MIN_SCORE: u8 = 3;

/// Why a password was refused; `message` is what the user reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weakness {
    TooShort,
    TooLong,
    IsUserName,
    Guessable,
}

impl Weakness {
    pub fn message(self) -> &'static str {
        match self {
            Weakness::TooShort => "密码至少10个字符",
            Weakness::TooLong => "密码不能超过128个字符",
            Weakness::IsUserName => "密码不能是用户名，也不能只是用户名加数字或符号",
            Weakness::Guessable => {
                "密码过于常见或容易被猜到（如常用密码、键盘顺序、重复字符、姓名或日期），请换一个更长、不常见的密码，例如几个词的组合"
            }
        }
    }
}

/// Checks `password` for the account `username` (with `other_words` such as the person's
/// name, which zxcvbn treats as known to an attacker).
pub fn weakness(password: &str, username: &str, other_words: &[&str]) -> Option<Weakness> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Some(Weakness::TooShort);
    }
    if chars > MAX_CHARS {
        return Some(Weakness::TooLong);
    }
    let name = username.trim().to_lowercase();
    let lower = password.to_lowercase();
    // The user name itself, or the user name dressed up with digits and signs
    // ("Wang.Qiang@2026"); a phrase that merely contains it is left to zxcvbn below.
    if !name.is_empty()
        && lower.contains(&name)
        && !lower
            .replacen(&name, "", 1)
            .chars()
            .any(char::is_alphabetic)
    {
        return Some(Weakness::IsUserName);
    }
    let mut inputs = vec![username];
    inputs.extend_from_slice(other_words);
    let estimate = zxcvbn::zxcvbn(password, &inputs);
    if u8::from(estimate.score()) < MIN_SCORE {
        return Some(Weakness::Guessable);
    }
    None
}

/// [`weakness`] as the refusal of the form field `field` (`weak_password`).
pub fn check(
    password: &str,
    username: &str,
    other_words: &[&str],
    field: &str,
) -> ServiceResult<()> {
    match weakness(password, username, other_words) {
        Some(w) => Err(ServiceError::invalid_field(
            "weak_password",
            field,
            w.message(),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_passwords_the_user_name_and_common_ones_are_refused() {
        assert_eq!(weakness("abc12345", "wang", &[]), Some(Weakness::TooShort));
        assert_eq!(
            weakness("wang.qiang.2026", "wang.qiang", &[]),
            Some(Weakness::IsUserName)
        );
        assert_eq!(
            weakness("WANG.QIANG", "wang.qiang", &[]),
            Some(Weakness::IsUserName)
        );
        assert_eq!(
            weakness("Wang.Qiang@2026!", "wang.qiang", &[]),
            Some(Weakness::IsUserName)
        );
        for common in [
            "password123",
            "qwertyuiop",
            "1234567890",
            "aaaaaaaaaaaa",
            "iloveyou2026",
        ] {
            assert_eq!(
                weakness(common, "someone", &[]),
                Some(Weakness::Guessable),
                "{common}"
            );
        }
        assert_eq!(
            weakness(&"长".repeat(129), "x", &[]),
            Some(Weakness::TooLong)
        );
    }

    #[test]
    fn long_uncommon_passwords_pass_and_chinese_counts_characters() {
        assert_eq!(weakness("correct-horse-42-violet", "admin", &[]), None);
        assert_eq!(weakness("卧龙岗中队执法记录仪编号七", "admin", &[]), None);
        // Ten Chinese characters are ten characters (thirty bytes), not too short.
        assert_ne!(
            weakness("卧龙岗中队执法队员甲", "admin", &[]),
            Some(Weakness::TooShort)
        );
    }

    #[test]
    fn the_demo_and_test_passwords_meet_the_policy() {
        assert_eq!(
            weakness(super::super::demo::DEMO_PASSWORD, "juzhang", &["张局长"]),
            None
        );
        assert_eq!(weakness("correct-horse-42", "admin", &["系统管理员"]), None);
    }

    #[test]
    fn the_messages_are_chinese_and_specific() {
        let e = check("short", "u", &[], "new_password").expect_err("refused");
        match e {
            ServiceError::Invalid {
                code,
                field,
                message,
                ..
            } => {
                assert_eq!(code, "weak_password");
                assert_eq!(field.as_deref(), Some("new_password"));
                assert_eq!(message, "密码至少10个字符");
            }
            other => panic!("{other:?}"),
        }
    }
}
