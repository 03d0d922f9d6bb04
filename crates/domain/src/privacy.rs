//! 个人信息保护: personal numbers masked by value, wherever they sit.
//!
//! Masking by column name misses what is nested (a finding's evidence, a note, a
//! document, a message); masking by value does not. [`mask_text`] finds every
//! identity number (公民身份号码: 17 digits and a digit or `X`, with a valid birth
//! date — valid check character or not, because a forged number is as personal as
//! a real one) and every mobile or fixed-line phone number in a text and masks it:
//! `110105********002X`, `138****5678`, `027-8****321`. Everything the platform
//! shows, exports or prints passes through it; only the logged 查看完整身份证号 view
//! does not.
//!
//! A number counts only as a whole token: a run of ASCII letters and digits that is
//! exactly the number's shape. Certificate numbers (22 characters), credit codes
//! (with letters), batch ids and dates are therefore never touched, and masked text
//! is left as it is (masking twice changes nothing).

use std::borrow::Cow;

/// Whether `t` (a whole token) is an identity number's shape with a valid birth date.
pub fn is_id_number_shaped(t: &[u8]) -> bool {
    if t.len() != 18
        || !t[..17].iter().all(u8::is_ascii_digit)
        || !(t[17].is_ascii_digit() || t[17] == b'X' || t[17] == b'x')
    {
        return false;
    }
    let num = |s: &[u8]| s.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    let (y, m, d) = (num(&t[6..10]), num(&t[10..12]), num(&t[12..14]));
    (1800..=2099).contains(&y) && chrono::NaiveDate::from_ymd_opt(y as i32, m, d).is_some()
}

/// Whether `t` (a whole token) is a mainland mobile number: 11 digits, `1[3-9]…`.
pub fn is_mobile_shaped(t: &[u8]) -> bool {
    t.len() == 11
        && t.iter().all(u8::is_ascii_digit)
        && t[0] == b'1'
        && (b'3'..=b'9').contains(&t[1])
}

/// What a personal number found in a text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonalKind {
    IdNumber,
    Mobile,
    /// The subscriber part of a fixed-line number after its area code (`027-87654321`).
    Landline,
}

/// Every personal number in `text`: (byte range, kind). Ranges do not overlap and
/// come in order.
pub fn find_personal(text: &str) -> Vec<(std::ops::Range<usize>, PersonalKind)> {
    let b = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    // The previous token and where it ended, for area code + '-' + number.
    let mut prev: Option<std::ops::Range<usize>> = None;
    while i < b.len() {
        if !b[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let token = &b[start..i];
        if is_id_number_shaped(token) {
            found.push((start..i, PersonalKind::IdNumber));
        } else if is_mobile_shaped(token) {
            found.push((start..i, PersonalKind::Mobile));
        } else if (7..=8).contains(&token.len())
            && token.iter().all(u8::is_ascii_digit)
            && token[0] != b'0'
            && prev.as_ref().is_some_and(|p| {
                let area = &b[p.clone()];
                p.end + 1 == start
                    && b[p.end] == b'-'
                    && (3..=4).contains(&area.len())
                    && area[0] == b'0'
                    && area.iter().all(u8::is_ascii_digit)
                    // Not the middle of a date or a longer hyphenated code.
                    && (p.start == 0 || !matches!(b[p.start - 1], b'-' | b'/' | b'.'))
            })
            && (i == b.len() || !matches!(b[i], b'-' | b'/' | b'.'))
        {
            found.push((start..i, PersonalKind::Landline));
        }
        prev = Some(start..i);
    }
    found
}

/// The masked form of one personal number of `kind`.
pub fn mask_token(token: &str, kind: PersonalKind) -> String {
    match kind {
        PersonalKind::IdNumber => format!("{}********{}", &token[..6], &token[14..]),
        PersonalKind::Mobile => format!("{}****{}", &token[..3], &token[7..]),
        PersonalKind::Landline => format!(
            "{}{}{}",
            &token[..1],
            "*".repeat(token.len() - 4),
            &token[token.len() - 3..]
        ),
    }
}

/// `text` with every identity and phone number masked; borrowed when there is none.
pub fn mask_text(text: &str) -> Cow<'_, str> {
    let found = find_personal(text);
    if found.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (range, kind) in found {
        out.push_str(&text[at..range.start]);
        out.push_str(&mask_token(&text[range.clone()], kind));
        at = range.end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

/// Whether `text` holds any unmasked personal number (for tests and assertions).
pub fn has_personal(text: &str) -> bool {
    !find_personal(text).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_numbers_are_masked_wherever_they_sit() {
        let cases = [
            ("11010519491231002X", "110105********002X"),
            // Invalid check character: still a person's number.
            ("110105194912310021", "110105********0021"),
            ("考生11010519491231002x冒名", "考生110105********002x冒名"),
            (
                r#"{"candidate_id":"440524188001010014","phone":"13812345678"}"#,
                r#"{"candidate_id":"440524********0014","phone":"138****5678"}"#,
            ),
            ("联系电话 027-87654321。", "联系电话 027-8****321。"),
            ("0710-3456789", "0710-3***789"),
        ];
        for (text, masked) in cases {
            assert_eq!(mask_text(text), masked, "{text}");
            assert!(!has_personal(&mask_text(text)), "{text} masked twice");
            assert_eq!(mask_text(masked), masked, "masking is idempotent");
        }
    }

    #[test]
    fn other_numbers_are_left_alone() {
        for text in [
            // 22-character certificate number, credit code, batch id.
            "S000042114537668146196",
            "91350100M000100Y43",
            "B2024001",
            // 18 digits without a valid birth date (month 13).
            "110105194913310021",
            // Dates, times, ranges, a 12-digit number, 11 digits not a mobile.
            "2025-06-30 10:00:00",
            "2025-0630-12345678",
            "138123456789",
            "12345678901",
            "第 13812345 号",
        ] {
            assert_eq!(mask_text(text), text, "{text}");
        }
    }
}
